import assert from 'node:assert/strict'
import { test } from 'node:test'
import { openSchedule, parseDuration, userStartTimes } from './schedule.ts'

test('parseDuration reads ms, s, m, h and bare seconds when given a duration', () => {
  assert.equal(parseDuration('500ms'), 500)
  assert.equal(parseDuration('30s'), 30_000)
  assert.equal(parseDuration('15m'), 900_000)
  assert.equal(parseDuration('1h'), 3_600_000)
  assert.equal(parseDuration('2.5'), 2500)
  assert.throws(() => parseDuration('soon'), /not a duration/)
})

test('openSchedule spaces requests evenly at the target rate when there is no ramp', () => {
  const s = openSchedule(200, 0)
  assert.equal(s.dueAt(0), 0)
  assert.equal(s.dueAt(10), 50)
  assert.equal(s.dueBy(1000), 200)
})

test('openSchedule grows the rate linearly over the ramp and inverts dueBy with dueAt', () => {
  const s = openSchedule(100, 1000)
  assert.equal(s.dueBy(1000), 50) // half the requests of a full-rate second
  assert.equal(s.dueBy(2000), 150)
  for (const k of [1, 7, 49, 50, 51, 120]) {
    const at = s.dueAt(k)
    assert.ok(s.dueBy(at + 1e-6) >= k, `k=${k} due at ${at}`)
    assert.ok(s.dueBy(at - 1e-3) <= k, `k=${k} not due before ${at}`)
  }
  // gaps shrink during the ramp and are constant after it
  assert.ok(s.dueAt(2) - s.dueAt(1) > s.dueAt(40) - s.dueAt(39))
  assert.ok(Math.abs(s.dueAt(101) - s.dueAt(100) - 10) < 1e-9)
})

test('userStartTimes spreads virtual users over the ramp when one is given', () => {
  assert.deepEqual(userStartTimes(4, 1000), [0, 250, 500, 750])
  assert.deepEqual(userStartTimes(3, 0), [0, 0, 0])
})
