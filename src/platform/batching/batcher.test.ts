import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createBatcher } from './batcher.ts'

test('batcher runs an item at once when idle and groups items that arrive meanwhile', async () => {
  const sizes: number[] = []
  const batcher = createBatcher<number, number>({
    maxBatch: 100,
    maxConcurrent: 1,
    async run(items) {
      sizes.push(items.length)
      await new Promise((resolve) => setTimeout(resolve, 10))
      return items.map((n) => n * 2)
    },
  })
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.add(i)))
  assert.deepEqual(
    results,
    Array.from({ length: 50 }, (_, i) => i * 2),
  )
  assert.deepEqual(sizes, [1, 49])
  await batcher.idle()
  assert.equal(batcher.pending(), 0)
})

test('batcher fails only the bad item of a failed group commit, retrying the others one by one', async () => {
  const runs: string[][] = []
  const batcher = createBatcher<string, string>({
    maxBatch: 10,
    maxConcurrent: 1,
    async run(items) {
      runs.push(items)
      if (items.includes('bad')) throw new Error('value too long for type character varying(100)')
      return items.map((s) => s.toUpperCase())
    },
  })
  // The first item runs alone at once; the rest arrive meanwhile and form one batch with the bad one.
  const outcomes = await Promise.allSettled(['a', 'b', 'bad', 'c'].map((s) => batcher.add(s)))
  assert.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed')),
    ['A', 'B', 'failed', 'C'],
  )
  assert.deepEqual(runs, [['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']])
})

test("batcher fails every item of a failed batch when told the failure is not the items' own", async () => {
  let calls = 0
  const batcher = createBatcher<string, string>({
    maxBatch: 2,
    maxConcurrent: 2,
    retryAlone: () => false,
    async run(items) {
      calls++
      if (items.includes('bad')) throw new Error('boom')
      return items
    },
  })
  const outcomes = await Promise.allSettled(['bad', 'x', 'y', 'z'].map((s) => batcher.add(s)))
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
  )
  assert.ok(calls >= 2)
  assert.equal(await batcher.add('again'), 'again')
})
