import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRecentMap } from './caps.ts'

test('recent map remembers at least half its size of the newest keys and forgets older ones', () => {
  const map = createRecentMap<number>(100)
  for (let i = 0; i < 1000; i++) map.set(`k${i}`, i)
  for (let i = 950; i < 1000; i++) assert.equal(map.get(`k${i}`), i)
  assert.equal(map.get('k0'), undefined)
  // Updating a remembered key keeps it.
  map.set('k999', -1)
  assert.equal(map.get('k999'), -1)
})

test('recent map stays fast when it evicts on every insert', () => {
  const map = createRecentMap<number>(50_000)
  const started = performance.now()
  for (let i = 0; i < 300_000; i++) map.set(`trace-${i}`, (map.get(`trace-${i}`) ?? 0) + 1)
  // A FIFO map evicting with keys().next() took ~20 µs an insert here; this is well under 1 µs.
  assert.ok(performance.now() - started < 3000)
})
