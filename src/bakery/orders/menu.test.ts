import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bakeTimeMs, fnv1a32, PASTRIES } from './menu.ts'

test('bake times match the seed: FNV-1a-32 of the pastry mod 100 ms, scaled', () => {
  const expected = {
    croissant: 99,
    'kouign-amann': 72,
    'la bombe': 65,
    escargot: 65,
    'almond croissant': 26,
    profiterole: 18,
    'caramel tart': 51,
  }
  assert.deepEqual(Object.fromEntries(PASTRIES.map((p) => [p, bakeTimeMs(p, 1)])), expected)
  assert.equal(bakeTimeMs('croissant', 0), 0)
  assert.equal(bakeTimeMs('croissant', 2), 198)
  assert.equal(fnv1a32(''), 0x811c9dc5)
})
