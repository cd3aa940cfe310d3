// The database read guard: a database that cannot be reached is a 503 with Retry-After and trips
// the breaker; a query that is simply wrong is neither.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { closedPort } from '../../../test/support/outage.ts'
import { BakeryError, ErrorCode } from '../errors.ts'
import { createLogger } from '../log/index.ts'
import { createBreakerRegistry } from '../resilience/index.ts'
import { databaseReadPolicy, guardedRead, isDatabaseUnavailable, openDatabase } from './index.ts'

const log = createLogger({ level: 'silent', format: 'json' })
const scope = () => ({ log, meter: new MeterProvider().getMeter('test') })

test('database read guard answers 503 + Retry-After and opens the breaker when PostgreSQL refuses connections', async (t) => {
  const db = await openDatabase(new URL(`postgres://postgres@127.0.0.1:${await closedPort()}/test`), {
    poolSize: 1,
    log,
  })
  t.after(() => db.close())
  const policy = databaseReadPolicy(createBreakerRegistry(), scope())
  const codes: string[] = []
  for (let i = 0; i < 4; i++) {
    await assert.rejects(
      guardedRead(policy, () => db.query('SELECT 1')),
      (error: unknown) => {
        assert.ok(isDatabaseUnavailable(error))
        assert.ok(error instanceof BakeryError)
        assert.equal(error.status, 503)
        assert.ok((error.retryAfterS ?? 0) >= 1)
        codes.push(String((error.cause as { code?: unknown }).code))
        return true
      },
    )
  }
  assert.equal(policy.state(), 'open')
  // The PostgreSQL adapter already names a refused connection BKR_DB_UNAVAILABLE.
  assert.ok(codes.includes(ErrorCode.DB_UNAVAILABLE), codes.join())
  assert.ok(codes.includes(ErrorCode.DEPENDENCY_CIRCUIT_OPEN), codes.join())
})

test('database read guard passes a wrong query through without retrying it or tripping the breaker', async (t) => {
  const db = await openDatabase(new URL('memory://'), { poolSize: 1, log })
  t.after(() => db.close())
  const policy = databaseReadPolicy(createBreakerRegistry(), scope())
  let calls = 0
  for (let i = 0; i < 6; i++) {
    await assert.rejects(
      guardedRead(policy, () => {
        calls++
        return db.query('SELECT * FROM no_such_table')
      }),
      (error: unknown) => !isDatabaseUnavailable(error) && /no_such_table/.test(String(error)),
    )
  }
  assert.equal(calls, 6)
  assert.equal(policy.state(), 'closed')
  assert.deepEqual((await guardedRead(policy, () => db.query<{ n: number }>('SELECT 1 AS n'))).rows, [
    { n: 1 },
  ])
})
