// One contract, every adapter: the in-process queue and RabbitMQ must behave the same.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, type TestContext, test } from 'node:test'
import { connect } from 'amqplib'
import { requireServer } from '../../../test/support/servers.ts'
import { createLogger } from '../log/index.ts'
import type { Delivery, Queue } from './index.ts'
import { openQueue } from './index.ts'

const log = createLogger({ service: 'test', level: 'silent', format: 'json' })

interface Adapter {
  name: string
  open(t: TestContext): Promise<{ queue: Queue; names: (prefix: string) => string } | undefined>
}

const adapters: Adapter[] = [
  {
    name: 'memory',
    async open(t) {
      const queue = await openQueue(new URL('memory://'), { log })
      t.after(() => queue.close())
      return { queue, names: (prefix) => `${prefix}-${randomUUID()}` }
    },
  },
  {
    name: 'amqp',
    async open(t) {
      const url = await requireServer(t, 'amqp')
      if (!url) return undefined
      const queue = await openQueue(new URL(url), { log })
      const created: string[] = []
      t.after(async () => {
        await queue.close()
        // Remove only what this test declared on the shared broker.
        const conn = await connect(url)
        const channel = await conn.createChannel()
        for (const name of created) {
          await channel.deleteQueue(name).catch(() => undefined)
          await channel.deleteQueue(`${name}.dead`).catch(() => undefined)
          await channel.deleteExchange(name).catch(() => undefined)
        }
        await conn.close()
      })
      return {
        queue,
        names: (prefix) => {
          const name = `test.${prefix}-${randomUUID()}`
          created.push(name)
          return name
        },
      }
    },
  },
]

function collector() {
  const seen: Delivery[] = []
  let notify: (() => void) | undefined
  return {
    seen,
    handler: async (delivery: Delivery) => {
      seen.push(delivery)
      notify?.()
    },
    async until(count: number, timeoutMs = 5000): Promise<void> {
      const deadline = Date.now() + timeoutMs
      while (seen.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${seen.length} of ${count} messages arrived`)
        await new Promise<void>((resolve) => {
          notify = resolve
          setTimeout(resolve, 20)
        })
      }
    },
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

for (const adapter of adapters) {
  describe(`queue contract (${adapter.name})`, () => {
    test('queue delivers a published message with its headers, type and id when consumed', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('roundtrip')
      await queue.declare({ name })
      await queue.publish({ routingKey: name }, Buffer.from('{"a":1}'), {
        headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        contentType: 'application/json',
        messageId: 'm-1',
      })
      const got = collector()
      await queue.consume(
        name,
        async (d) => {
          await got.handler(d)
          await d.ack()
        },
        { prefetch: 10 },
      )
      await got.until(1)
      const [d] = got.seen
      assert.equal(d?.body.toString(), '{"a":1}')
      assert.equal(d?.headers.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')
      assert.equal(d?.contentType, 'application/json')
      assert.equal(d?.messageId, 'm-1')
      assert.equal(d?.routingKey, name)
      assert.equal(d?.redelivered, false)
      await eventually(async () => (await queue.depth(name)) === 0)
    })

    test('queue redelivers an unacked message when its consumer is cancelled', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('redeliver')
      await queue.declare({ name })
      await queue.publish({ routingKey: name }, Buffer.from('x'))
      const first = collector()
      const consumer = await queue.consume(name, first.handler, { prefetch: 1 })
      await first.until(1)
      await consumer.cancel()
      const second = collector()
      await queue.consume(
        name,
        async (d) => {
          await second.handler(d)
          await d.ack()
        },
        { prefetch: 1 },
      )
      await second.until(1)
      assert.equal(second.seen[0]?.body.toString(), 'x')
      assert.equal(second.seen[0]?.redelivered, true)
    })

    test('queue redelivers a message when the handler nacks it with requeue or throws', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('nack')
      await queue.declare({ name })
      await queue.publish({ routingKey: name }, Buffer.from('n'))
      const got = collector()
      await queue.consume(
        name,
        async (d) => {
          await got.handler(d)
          if (got.seen.length === 1) await d.nack({ requeue: true })
          else if (got.seen.length === 2) throw new Error('handler failed')
          else await d.ack()
        },
        { prefetch: 1 },
      )
      await got.until(3)
      assert.deepEqual(
        got.seen.map((d) => d.redelivered),
        [false, true, true],
      )
    })

    test('queue never has more unacked messages in flight than the prefetch', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('prefetch')
      await queue.declare({ name })
      for (let i = 0; i < 10; i++) await queue.publish({ routingKey: name }, Buffer.from(String(i)))
      let inFlight = 0
      let most = 0
      let done = 0
      await queue.consume(
        name,
        async (d) => {
          inFlight++
          most = Math.max(most, inFlight)
          await new Promise((resolve) => setTimeout(resolve, 15))
          inFlight--
          done++
          await d.ack()
        },
        { prefetch: 3 },
      )
      await eventually(async () => done === 10)
      assert.equal(most, 3)
    })

    test('queue shares one queue between competing consumers', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('compete')
      await queue.declare({ name })
      const a = collector()
      const b = collector()
      const slowAck = (c: ReturnType<typeof collector>) => async (d: Delivery) => {
        await c.handler(d)
        await new Promise((resolve) => setTimeout(resolve, 10))
        await d.ack()
      }
      await queue.consume(name, slowAck(a), { prefetch: 1 })
      await queue.consume(name, slowAck(b), { prefetch: 1 })
      for (let i = 0; i < 20; i++) await queue.publish({ routingKey: name }, Buffer.from(String(i)))
      await eventually(async () => a.seen.length + b.seen.length === 20)
      assert.ok(a.seen.length > 0 && b.seen.length > 0, `a=${a.seen.length} b=${b.seen.length}`)
    })

    test('queue routes topic-exchange messages by * and # patterns', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const exchange = names('topics')
      const star = names('star')
      const hash = names('hash')
      await queue.declare({ name: star, bindings: [{ exchange, pattern: 'order.*' }] })
      await queue.declare({ name: hash, bindings: [{ exchange, pattern: 'order.#' }] })
      for (const key of ['order.created', 'order.paid.card', 'order', 'coffee.created']) {
        await queue.publish({ exchange, routingKey: key }, Buffer.from(key))
      }
      const s = collector()
      const h = collector()
      const acking = (c: ReturnType<typeof collector>) => async (d: Delivery) => {
        await c.handler(d)
        await d.ack()
      }
      await queue.consume(star, acking(s), { prefetch: 10 })
      await queue.consume(hash, acking(h), { prefetch: 10 })
      await h.until(3)
      await s.until(1)
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.deepEqual(
        s.seen.map((d) => d.routingKey),
        ['order.created'],
      )
      assert.deepEqual(h.seen.map((d) => d.routingKey).sort(), ['order', 'order.created', 'order.paid.card'])
    })

    test('queue sends what no binding routes to the alternate exchange, and stops once a binding claims it', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const exchange = names('flow')
      const unrouted = names('unrouted')
      const fallback = names('fallback')
      const hop = names('hop')
      await queue.declare({
        name: fallback,
        bindings: [{ exchange: unrouted, pattern: '#' }],
      })
      await queue.declare({
        name: fallback,
        bindings: [{ exchange, pattern: 'none', alternateExchange: unrouted }],
      })
      await queue.publish({ exchange, routingKey: 'order.accepted' }, Buffer.from('first'))
      await eventually(async () => (await queue.depth(fallback)) === 1)
      // A hop binds the key: from now on the message goes to the hop only.
      await queue.declare({
        name: hop,
        bindings: [{ exchange, pattern: 'order.accepted', alternateExchange: unrouted }],
      })
      await queue.publish({ exchange, routingKey: 'order.accepted' }, Buffer.from('second'))
      await queue.publish({ exchange, routingKey: 'order.enriched' }, Buffer.from('third'))
      await eventually(async () => (await queue.depth(hop)) === 1 && (await queue.depth(fallback)) === 2)
      const seen = collector()
      await queue.consume(
        fallback,
        async (d) => {
          await seen.handler(d)
          await d.ack()
        },
        { prefetch: 10 },
      )
      await seen.until(2)
      assert.deepEqual(
        seen.seen.map((d) => d.body.toString()),
        ['first', 'third'],
      )
    })

    test('queue moves a dead-lettered message to <name>.dead with the reason', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('dlq')
      await queue.declare({ name })
      await queue.publish({ routingKey: name }, Buffer.from('poison'), { headers: { a: 'b' } })
      await queue.consume(name, (d) => d.deadLetter('cannot parse'), { prefetch: 1 })
      await eventually(async () => (await queue.depth(`${name}.dead`)) === 1)
      const dead = collector()
      await queue.consume(
        `${name}.dead`,
        async (d) => {
          await dead.handler(d)
          await d.ack()
        },
        { prefetch: 1 },
      )
      await dead.until(1)
      assert.equal(dead.seen[0]?.body.toString(), 'poison')
      assert.equal(dead.seen[0]?.headers['x-death-reason'], 'cannot parse')
      assert.equal(dead.seen[0]?.headers.a, 'b')
      assert.equal(await queue.depth(name), 0)
    })

    test('queue reports the depth of ready messages', async (t) => {
      const opened = await adapter.open(t)
      if (!opened) return
      const { queue, names } = opened
      const name = names('depth')
      await queue.declare({ name })
      assert.equal(await queue.depth(name), 0)
      await Promise.all([1, 2, 3].map((i) => queue.publish({ routingKey: name }, Buffer.from(String(i)))))
      await eventually(async () => (await queue.depth(name)) === 3)
    })
  })
}
