// The fault self-tests, embedded and — for the db, queue, cache and stream seams — on the real
// PostgreSQL, RabbitMQ, Redis and Kafka: every fault type shows its signature while it acts and
// the flow recovers within 2 s of clearing it. The same checks `bakery fault verify` runs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CHECKS } from '../../src/fault-cli/verify/checks.ts'
import { runCheck, runExitCheck } from '../../src/fault-cli/verify/run.ts'
import { startVerifyStack, type VerifyStack } from '../../src/fault-cli/verify/stack.ts'
import { FAULT_TYPES, SEAMS } from '../../src/platform/faults/index.ts'
import { requireServer } from '../support/servers.ts'

test('fault self-tests cover every fault type of every seam', () => {
  for (const seam of SEAMS) {
    for (const type of Object.keys(FAULT_TYPES[seam])) {
      const covered = CHECKS.some((c) => c.type === type && c.target.endsWith(`.${seam}`)) || type === 'exit'
      assert.ok(covered, `a self-test for ${seam} ${type}`)
    }
  }
})

async function runAll(t: import('node:test').TestContext, stack: VerifyStack, seams: readonly string[]) {
  for (const check of CHECKS.filter((c) => seams.includes(c.target.split('.')[1] ?? ''))) {
    await t.test(
      `fault ${check.type} on ${check.target} shows "${check.signature}" and recovers`,
      async () => {
        const result = await runCheck(stack, check)
        assert.ok(result.ok, `${check.type} ${check.target}: ${result.detail}`)
      },
    )
  }
}

test('fault self-tests pass on the embedded stack', async (t) => {
  const stack = await startVerifyStack({ LOG_LEVEL: 'silent' })
  t.after(() => stack.stop())
  await runAll(t, stack, SEAMS)
})

test('fault exit ends its process with the exit code after the delay', async () => {
  const result = await runExitCheck({ ...process.env, LOG_LEVEL: 'silent' })
  assert.ok(result.ok, result.detail)
})

test('fault self-tests of the db, queue, cache and stream seams pass on the real servers', async (t) => {
  const postgres = await requireServer(t, 'postgres')
  const amqp = postgres && (await requireServer(t, 'amqp'))
  const redis = amqp && (await requireServer(t, 'redis'))
  const kafka = redis && (await requireServer(t, 'kafka'))
  if (!postgres || !amqp || !redis || !kafka) return
  const stack = await startVerifyStack({
    LOG_LEVEL: 'silent',
    DATABASE_URL: postgres,
    AMQP_URL: amqp,
    REDIS_URL: redis,
    KAFKA_BROKERS: kafka,
  })
  t.after(() => stack.stop())
  await runAll(t, stack, ['db', 'queue', 'cache', 'stream'])
})
