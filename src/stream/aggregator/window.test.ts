import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseDuration, parseWindow } from './window.ts'

test('parseDuration reads ms numbers and unit suffixes when given', () => {
  assert.equal(parseDuration('10000'), 10_000)
  assert.equal(parseDuration('10s'), 10_000)
  assert.equal(parseDuration('10m'), 600_000)
  assert.equal(parseDuration('1.5h'), 5_400_000)
  assert.equal(parseDuration('ten'), undefined)
  assert.equal(parseDuration('0'), undefined)
})

test('parseWindow defaults to 10 min in 10 s buckets and refuses unbounded windows', () => {
  assert.deepEqual(parseWindow({}), { ok: true, windowMs: 600_000, bucketMs: 10_000 })
  assert.equal(parseWindow({ bucket: '50ms' }).ok, false)
  assert.equal(parseWindow({ window: '1s', bucket: '10s' }).ok, false)
  assert.equal(parseWindow({ window: '365d', bucket: '1s' }).ok, false)
})
