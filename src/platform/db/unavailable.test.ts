import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BakeryError, ErrorCode } from '../errors.ts'
import { isRetryableDbError } from './retryable.ts'
import {
  databaseUnavailable,
  isDatabaseUnavailable,
  isDriverUnavailableError,
  rethrowUnavailable,
} from './unavailable.ts'

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code })

test('database unavailable is told apart from a failed statement', () => {
  const away = [
    withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    withCode('ECONNRESET'),
    withCode('53300', 'sorry, too many clients already'),
    withCode('57P03', 'the database system is starting up'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('08006', 'connection failure'),
    new Error('Connection terminated unexpectedly'),
    new Error('Connection terminated due to connection timeout'),
    new Error('timeout exceeded when trying to connect'),
    new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'),
  ]
  for (const error of away) {
    assert.equal(isDriverUnavailableError(error), true, error.message)
    assert.equal(isRetryableDbError(error), true, error.message)
    const wrapped = databaseUnavailable(error)
    assert.equal(wrapped.code, ErrorCode.DB_UNAVAILABLE)
    assert.equal(wrapped.status, 503)
    assert.equal(wrapped.retryable, true)
    assert.equal(wrapped.cause, error)
    assert.equal(isDatabaseUnavailable(wrapped), true)
    assert.throws(
      () => rethrowUnavailable(error),
      (e: unknown) => e === wrapped || isDatabaseUnavailable(e),
    )
  }
  const statementFailures = [
    withCode('23505', 'duplicate key value violates unique constraint'),
    withCode('42P01', 'relation "orders" does not exist'),
    withCode('42601', 'syntax error at or near "SELEC"'),
    new Error('order vanished'),
  ]
  for (const error of statementFailures) {
    assert.equal(isDriverUnavailableError(error), false, error.message)
    assert.equal(isDatabaseUnavailable(error), false, error.message)
    assert.throws(
      () => rethrowUnavailable(error),
      (e: unknown) => e === error,
    )
  }
})

test('database unavailable is found inside a wrapping error, a refused HTTP dependency is not', () => {
  const away = databaseUnavailable(withCode('ECONNREFUSED'))
  assert.equal(isDatabaseUnavailable(new Error('lookup failed', { cause: away })), true)
  assert.equal(isDatabaseUnavailable(new Error('lookup failed', { cause: withCode('57P03') })), true)
  const upstream = new BakeryError(ErrorCode.DEPENDENCY_FAILED, 'payments failed', {
    status: 502,
    cause: withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:8081'),
  })
  assert.equal(isDatabaseUnavailable(upstream), false)
  assert.equal(isRetryableDbError(upstream), false)
  assert.equal(databaseUnavailable(away), away, 'not wrapped twice')
})
