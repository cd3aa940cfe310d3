// The embedded stream and time-series store are bounded in bytes and age, as Kafka's and
// InfluxDB's retention would bound them; what they drop is counted.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMemoryStream } from '../../src/platform/stream/memory.ts'
import { createMemoryTimeSeries } from '../../src/platform/tsdb/memory.ts'
import { collectGarbage } from '../support/memory.ts'

const MB = 1024 * 1024

test('embedded stream keeps at most its byte cap per partition, counts what it drops, and consumers read on', async (t) => {
  const stream = createMemoryStream({ maxBytesPerPartition: 4 * MB, maxAgeMs: 3_600_000 })
  t.after(() => stream.close())
  await stream.createTopic('events', 1)
  const seen: bigint[] = []
  const subscription = await stream.subscribe({
    topic: 'events',
    group: 'g',
    fromBeginning: true,
    handler: async (records) => {
      for (const r of records) seen.push(r.offset)
    },
  })
  t.after(() => subscription.close())
  // What the store keeps: heap plus Buffers. RSS also holds pages the allocator has freed but not
  // yet returned, which made the figure depend on what else ran before in the process.
  const kept = () => {
    const usage = process.memoryUsage()
    return usage.heapUsed + usage.arrayBuffers
  }
  collectGarbage()
  const before = kept()
  const value = Buffer.alloc(512 * 1024, 'x')
  // 20 batches of 8 events of 512 KiB: 80 MiB produced.
  for (let batch = 0; batch < 20; batch++) {
    await stream.produce(Array.from({ length: 8 }, () => ({ topic: 'events', partition: 0, value })))
  }
  const stats = stream.retentionStats()
  assert.ok(stats.droppedRecords >= 150, `dropped ${stats.droppedRecords}`)
  assert.ok(stats.droppedBytes >= 75 * MB)
  collectGarbage()
  const grownMb = (kept() - before) / 1e6
  assert.ok(grownMb < 40, `heap and buffers grew ${grownMb.toFixed(0)} MB`)
  // Offsets stay stable: the next record is offset 160, and the group reaches it.
  await stream.produce([{ topic: 'events', partition: 0, value: Buffer.from('last') }])
  const deadline = Date.now() + 10_000
  while (!seen.includes(160n) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  assert.ok(seen.includes(160n))
  while ((await stream.lag('events', 'g'))[0]?.lag !== 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  assert.deepEqual(await stream.lag('events', 'g'), [{ partition: 0, lag: 0 }])
})

test('embedded time-series store drops points past its byte cap and age, oldest first, and counts them', async () => {
  const store = createMemoryTimeSeries({ maxBytes: 1 * MB, maxAgeMs: 3_600_000 })
  const now = BigInt(Date.now()) * 1_000_000n
  for (let batch = 0; batch < 20; batch++) {
    await store.write(
      Array.from({ length: 1000 }, (_, i) => ({
        measurement: 'events',
        tags: { priority: 'low' },
        fields: { amount: 1, note: 'n'.repeat(100) },
        timeNs: now + BigInt(batch * 1000 + i),
      })),
    )
  }
  const stats = store.retentionStats()
  assert.ok(stats.droppedPoints > 10_000, `dropped ${stats.droppedPoints}`)
  const [bucket] = await store.countByBucket({
    measurement: 'events',
    field: 'amount',
    fromMs: Date.now() - 1000,
    toMs: Date.now() + 60_000,
    bucketMs: 61_000,
  })
  assert.ok(
    bucket && bucket.count > 0 && bucket.count + stats.droppedPoints === 20_000,
    JSON.stringify(bucket),
  )

  const aged = createMemoryTimeSeries({ maxBytes: 64 * MB, maxAgeMs: 1000 })
  await aged.write([{ measurement: 'events', tags: {}, fields: { amount: 1 }, timeNs: now }])
  await new Promise((r) => setTimeout(r, 1100))
  await aged.write([{ measurement: 'events', tags: {}, fields: { amount: 1 }, timeNs: now + 1n }])
  assert.equal(aged.retentionStats().droppedPoints, 1)
})
