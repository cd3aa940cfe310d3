// One contract, run on every adapter: the embedded store and a real InfluxDB.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, type TestContext, test } from 'node:test'
import { requireServer } from '../../../test/support/servers.ts'
import { openTimeSeries, type Point, type TimeSeriesStore, toLine } from './index.ts'

const adapters = [
  { name: 'memory', url: async () => 'memory://' },
  { name: 'influx', url: (t: TestContext) => requireServer(t, 'influx') },
]

const point = (ms: number, amount: number, partition = '0'): Point => ({
  measurement: 'event',
  tags: { partition },
  fields: { amount, offset: BigInt(ms) },
  timeNs: BigInt(ms) * 1_000_000n,
})

test('line protocol escapes names and types integer, float and string fields', () => {
  assert.equal(
    toLine({
      measurement: 'my event',
      tags: { 'a b': 'x,y', empty: '' },
      fields: { amount: 1.5, n: 3n, note: 'say "hi"' },
      timeNs: 5n,
    }),
    'my\\ event,a\\ b=x\\,y amount=1.5,n=3i,note="say \\"hi\\"" 5',
  )
  assert.throws(() => toLine(point(1, Number.NaN)), { code: 'BKR_INTERNAL' })
})

for (const adapter of adapters) {
  describe(`time-series adapter ${adapter.name}`, () => {
    async function open(t: TestContext): Promise<TimeSeriesStore | undefined> {
      const url = await adapter.url(t)
      if (!url) return undefined
      const database = `t_${randomUUID().replaceAll('-', '')}`
      const store = await openTimeSeries(new URL(url), { database })
      await store.ensureDatabase()
      t.after(async () => {
        if (store.kind === 'influx') {
          await fetch(new URL(`query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, url), {
            method: 'POST',
          })
        }
        await store.close()
      })
      return store
    }

    test('counts points per bucket at bucket start with empty buckets as 0', async (t) => {
      const store = await open(t)
      if (!store) return
      const base = Math.floor(Date.now() / 10_000) * 10_000 - 60_000
      await store.write([point(base + 1, 1), point(base + 2, 2), point(base + 25_000, 3)])
      const buckets = await store.countByBucket({
        measurement: 'event',
        field: 'amount',
        fromMs: base,
        toMs: base + 40_000,
        bucketMs: 10_000,
      })
      assert.deepEqual(buckets, [
        { time: base, count: 2 },
        { time: base + 10_000, count: 0 },
        { time: base + 20_000, count: 1 },
        { time: base + 30_000, count: 0 },
      ])
    })

    test('overwrites a point written twice with the same tags and timestamp', async (t) => {
      const store = await open(t)
      if (!store) return
      const base = Math.floor(Date.now() / 10_000) * 10_000 - 20_000
      const batch = [point(base + 5, 1), point(base + 5, 1, '1'), point(base + 6, 4)]
      await store.write(batch)
      await store.write(batch)
      const [bucket] = await store.countByBucket({
        measurement: 'event',
        field: 'amount',
        fromMs: base,
        toMs: base + 10_000,
        bucketMs: 10_000,
      })
      assert.deepEqual(bucket, { time: base, count: 3 })
    })
  })
}
