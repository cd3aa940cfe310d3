import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BakeryError } from '../errors.ts'
import { createIdempotencyGuard, payloadFingerprint } from './idempotency.ts'

const codeOf = (error: unknown) =>
  error instanceof BakeryError ? `${error.status} ${error.code}` : String(error)

test('idempotency guard answers 409 for the same payload and 422 for another while the first runs', async () => {
  const guard = createIdempotencyGuard()
  const same = payloadFingerprint({ customer: 'a', pastry: 'b' })
  const other = payloadFingerprint({ customer: 'a', pastry: 'c' })
  let finish: (value: string) => void = () => undefined
  const first = guard.run('k', same, () => new Promise<string>((resolve) => (finish = resolve)))
  await assert.rejects(
    guard.run('k', same, async () => 'second'),
    (e) => codeOf(e) === '409 BKR_IDEMPOTENCY_IN_FLIGHT',
  )
  await assert.rejects(
    guard.run('k', other, async () => 'third'),
    (e) => codeOf(e) === '422 BKR_IDEMPOTENCY_KEY_REUSED',
  )
  assert.equal(await guard.run('other-key', same, async () => 'free'), 'free')
  assert.equal(await guard.run(undefined, '', async () => 'no key'), 'no key')
  finish('first')
  assert.equal(await first, 'first')
  assert.equal(guard.inFlight(), 0)
  assert.equal(await guard.run('k', same, async () => 'after'), 'after')
})

test('idempotency guard frees the key when the first request fails', async () => {
  const guard = createIdempotencyGuard()
  await assert.rejects(guard.run('k', 'f', async () => Promise.reject(new Error('boom'))))
  assert.equal(guard.inFlight(), 0)
})
