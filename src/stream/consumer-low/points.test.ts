import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMemoryTimeSeries } from '../../platform/tsdb/memory.ts'
import type { ParsedRecord } from '../consumer-kit.ts'
import { toPoint } from './index.ts'

const record = (offset: bigint, time: number, amount: number) =>
  ({ record: { partition: 2, offset }, event: { time, amount } }) as unknown as ParsedRecord

test('consumer-low points of one partition never collide, even one million offsets apart with the same event time', async () => {
  const store = createMemoryTimeSeries()
  const time = Date.UTC(2026, 0, 1)
  const records = [record(5n, time, 1), record(1_000_005n, time, 2), record(2_000_005n, time, 3)]
  const points = records.map(toPoint)
  const identities = new Set(points.map((p) => `${JSON.stringify(p.tags)}@${p.timeNs}`))
  assert.equal(identities.size, 3)
  await store.write(points)
  // A replayed batch overwrites itself instead of counting twice.
  await store.write(records.map(toPoint))
  const buckets = await store.countByBucket({
    measurement: 'event',
    field: 'amount',
    fromMs: time,
    toMs: time + 1000,
    bucketMs: 1000,
  })
  assert.deepEqual(buckets, [{ time, count: 3 }])
})
