import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BakeryError, ErrorCode } from '../errors.ts'
import {
  createFaultRegistry,
  faultPairProblems,
  faultProblems,
  noFault,
  parseFaultPairs,
} from './registry.ts'

test('fault registry merges updates per target and clears a fault when its duration ends', async () => {
  const faults = createFaultRegistry()
  faults.set('payments', { errorRate: 0.5 })
  faults.set('payments', { latencyMs: 20 })
  assert.deepEqual(faults.get('payments'), { ...noFault, errorRate: 0.5, latencyMs: 20 })
  assert.deepEqual(faults.get('baker'), noFault)
  faults.set('baker', { down: true, durationMs: 30 })
  assert.equal(faults.get('baker').down, true)
  assert.ok(faults.list().find((f) => f.target === 'baker')?.until)
  await new Promise((resolve) => setTimeout(resolve, 40))
  assert.deepEqual(faults.get('baker'), noFault)
  assert.deepEqual(
    faults.list().map((f) => f.target),
    ['payments'],
  )
  faults.clear()
  assert.deepEqual(faults.list(), [])
})

test('fault registry fails every call when the error rate is 1 and none when it is 0', () => {
  const faults = createFaultRegistry()
  faults.set('x', { errorRate: 1, latencyMs: 10, jitterMs: 5 })
  for (let i = 0; i < 50; i++) {
    assert.equal(faults.shouldFail('x'), true)
    const delay = faults.delayMs('x')
    assert.ok(delay >= 10 && delay <= 15)
  }
  assert.equal(faults.shouldFail('y'), false)
  assert.equal(faults.delayMs('y'), 0)
})

test('fault settings from BAKERY_FAULTS are parsed by target and rejected when invalid', () => {
  const parsed = parseFaultPairs({
    'payments.errorRate': '0.25',
    'payments.down': 'true',
    'barista.latencyMs': '50',
  })
  assert.deepEqual(parsed.get('payments'), { errorRate: 0.25, down: true })
  assert.deepEqual(parsed.get('barista'), { latencyMs: 50 })
  assert.throws(() => parseFaultPairs({ errorRate: '0.5' }), /<target>\.<setting>/)
  assert.throws(
    () => parseFaultPairs({ 'payments.errorRate': '3' }),
    /errorRate must be a number from 0 to 1/,
  )
  assert.deepEqual(faultProblems({ colour: 'red', down: 'yes' }), [
    'colour is not a fault setting',
    'down must be true or false',
  ])
})

test('fault settings from BAKERY_FAULTS refuse what is not exactly a value of the setting', () => {
  assert.deepEqual(parseFaultPairs({ 'payments.down': '0', 'baker.down': 'TRUE' }).get('payments'), {
    down: false,
  })
  for (const [key, raw] of [
    ['payments.down', 'maybe'],
    ['payments.errorRate', ''],
    ['payments.errorRate', 'abc'],
    ['payments.target', 'x'],
    ['payments.', '1'],
  ] as const) {
    assert.throws(
      () => parseFaultPairs({ [key]: raw }),
      (error: unknown) => error instanceof BakeryError && error.code === ErrorCode.CONFIG_INVALID,
      `${key}=${raw}`,
    )
  }
  assert.deepEqual(faultPairProblems({ 'a.errorRate': '0.1', 'b.colour': '1' }), [
    'b.colour=1: colour is not a fault setting',
  ])
})
