import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BakeryError, ErrorCode } from '../errors.ts'
import { createLogger } from '../log/index.ts'
import { createMemoryQueue } from './memory.ts'
import type { Delivery } from './port.ts'
import { createConsumerRunner, malformed } from './runner.ts'

const log = createLogger({ service: 'test', level: 'silent', format: 'json' })
const retry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 }

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function deadLetters(queue: ReturnType<typeof createMemoryQueue>, name: string): Promise<Delivery[]> {
  const dead: Delivery[] = []
  await queue.consume(
    `${name}.dead`,
    async (d) => {
      dead.push(d)
      await d.ack()
    },
    { prefetch: 10 },
  )
  return dead
}

test('consumer runner retries a failing message and acks it once the handler succeeds', async (t) => {
  const queue = createMemoryQueue()
  t.after(() => queue.close())
  await queue.declare({ name: 'jobs' })
  let calls = 0
  const runner = createConsumerRunner({
    queue,
    name: 'jobs',
    prefetch: 1,
    log,
    retry,
    parse: (d) => d.body.toString(),
    async handle() {
      calls++
      if (calls < 3) throw new Error('flaky')
    },
  })
  await runner.start()
  await queue.publish({ routingKey: 'jobs' }, Buffer.from('a'))
  await until(() => calls === 3 && runner.inFlight() === 0)
  assert.equal(await queue.depth('jobs'), 0)
  assert.equal(await queue.depth('jobs.dead'), 0)
  await runner.stop()
})

test('consumer runner dead-letters a message with the reason when every attempt fails', async (t) => {
  const queue = createMemoryQueue()
  t.after(() => queue.close())
  await queue.declare({ name: 'jobs' })
  let calls = 0
  const reasons: string[] = []
  const runner = createConsumerRunner({
    queue,
    name: 'jobs',
    prefetch: 1,
    log,
    retry,
    parse: (d) => d.body.toString(),
    async handle() {
      calls++
      throw new Error('database down')
    },
    onDeadLetter: (reason) => reasons.push(reason),
  })
  await runner.start()
  const dead = await deadLetters(queue, 'jobs')
  await queue.publish({ routingKey: 'jobs' }, Buffer.from('a'))
  await until(() => dead.length === 1)
  assert.equal(calls, 3)
  assert.equal(dead[0]?.headers['x-death-reason'], 'failed 3 times: database down')
  assert.deepEqual(reasons, ['failed 3 times: database down'])
  await runner.stop()
})

test('consumer runner dead-letters malformed and permanently failing messages without retrying', async (t) => {
  const queue = createMemoryQueue()
  t.after(() => queue.close())
  await queue.declare({ name: 'jobs' })
  let calls = 0
  const runner = createConsumerRunner({
    queue,
    name: 'jobs',
    prefetch: 2,
    log,
    retry,
    parse(d) {
      const text = d.body.toString()
      if (!text.startsWith('{')) throw malformed('not JSON')
      return text
    },
    async handle() {
      calls++
      throw new BakeryError(ErrorCode.ORDER_UNKNOWN, 'no such order')
    },
  })
  await runner.start()
  const dead = await deadLetters(queue, 'jobs')
  await queue.publish({ routingKey: 'jobs' }, Buffer.from('garbage'))
  await queue.publish({ routingKey: 'jobs' }, Buffer.from('{}'))
  await until(() => dead.length === 2)
  assert.equal(calls, 1)
  assert.deepEqual(dead.map((d) => d.headers['x-death-reason']).sort(), [
    'malformed: not JSON',
    'no such order',
  ])
  await runner.stop()
})

test('consumer runner stop waits for handlers in flight and requeues a message waiting to retry', async (t) => {
  const queue = createMemoryQueue()
  t.after(() => queue.close())
  await queue.declare({ name: 'jobs' })
  let finished = 0
  const runner = createConsumerRunner({
    queue,
    name: 'jobs',
    prefetch: 2,
    log,
    retry: { maxAttempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
    parse: (d) => d.body.toString(),
    async handle(body) {
      if (body === 'fail') throw new Error('retry me later')
      await new Promise((resolve) => setTimeout(resolve, 50))
      finished++
    },
  })
  await runner.start()
  await queue.publish({ routingKey: 'jobs' }, Buffer.from('slow'))
  await queue.publish({ routingKey: 'jobs' }, Buffer.from('fail'))
  await until(() => runner.inFlight() === 2)
  await runner.stop()
  assert.equal(finished, 1)
  assert.equal(runner.inFlight(), 0)
  assert.equal(await queue.depth('jobs'), 1)
})
