import assert from 'node:assert/strict'
import { test } from 'node:test'
import { randomFaults } from './schedule.ts'
import { parseFault } from './validate.ts'

test('random fault schedule gives the same faults at the same times for the same seed', () => {
  const options = { count: 8, overMs: 60_000, minDurationMs: 1000, maxDurationMs: 5000 }
  const first = randomFaults({ seed: 42, ...options })
  assert.deepEqual(randomFaults({ seed: 42, ...options }), first)
  assert.notDeepEqual(randomFaults({ seed: 43, ...options }), first)
  assert.equal(first.length, 8)
  for (const fault of first) {
    assert.equal(parseFault({ ...fault }, 'schedule').problems, undefined, 'every generated fault is valid')
    assert.ok(fault.schedule.startAfterMs <= 60_000)
    assert.ok(fault.schedule.durationMs >= 1000 && fault.schedule.durationMs <= 5000)
    assert.notEqual(fault.target.split('.')[1], 'process', 'no process faults unless asked')
  }
})
