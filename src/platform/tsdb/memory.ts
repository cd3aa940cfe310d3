// The embedded time-series store: points kept in a map keyed like InfluxDB's series + timestamp,
// so a second write of the same point overwrites it. Bounded as a retention policy would: points
// older (by write time) than maxAgeMs, or past maxBytes, are dropped oldest first and counted.
import { type Bucket, bucketStarts, type Point, type TimeSeriesStore } from './port.ts'

export interface MemoryTimeSeriesRetention {
  maxBytes: number
  maxAgeMs: number
}

interface Kept {
  point: Point
  writtenAt: number
  bytes: number
}

export function createMemoryTimeSeries(
  retention: MemoryTimeSeriesRetention = { maxBytes: 64 * 1024 * 1024, maxAgeMs: 3_600_000 },
): TimeSeriesStore & { retentionStats(): { droppedPoints: number; droppedBytes: number } } {
  // Insertion order is write order: the first entries are the oldest.
  const points = new Map<string, Kept>()
  let bytes = 0
  const stats = { droppedPoints: 0, droppedBytes: 0 }
  const key = (p: Point) =>
    `${p.measurement}\u0000${Object.entries(p.tags)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}\u0000${p.timeNs}`
  // Estimated heap bytes: the key string, each field's name and value, and object overhead.
  const sizeOf = (k: string, p: Point) => {
    let size = k.length * 2 + 96
    for (const [name, value] of Object.entries(p.fields))
      size += name.length * 2 + String(value).length * 2 + 16
    return size
  }

  function trim(now: number): void {
    const oldest = now - retention.maxAgeMs
    for (const [k, kept] of points) {
      if (bytes <= retention.maxBytes && kept.writtenAt >= oldest) break
      points.delete(k)
      bytes -= kept.bytes
      stats.droppedPoints++
      stats.droppedBytes += kept.bytes
    }
  }

  return {
    kind: 'memory',
    async ensureDatabase() {},
    async write(batch) {
      const now = Date.now()
      for (const point of batch) {
        const k = key(point)
        const previous = points.get(k)
        const merged = previous ? { ...point, fields: { ...previous.point.fields, ...point.fields } } : point
        const size = sizeOf(k, merged)
        if (previous) {
          bytes -= previous.bytes
          points.delete(k)
        }
        points.set(k, { point: merged, writtenAt: now, bytes: size })
        bytes += size
      }
      trim(now)
    },
    async countByBucket(query) {
      const starts = bucketStarts(query.fromMs, query.toMs, query.bucketMs)
      const counts = new Map(starts.map((s) => [s, 0]))
      const from = starts[0] ?? query.fromMs
      for (const { point: p } of points.values()) {
        if (p.measurement !== query.measurement || !(query.field in p.fields)) continue
        const ms = Number(p.timeNs / 1_000_000n)
        if (ms < from || ms >= query.toMs) continue
        const bucket = Math.floor(ms / query.bucketMs) * query.bucketMs
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1)
      }
      return starts.map((time): Bucket => ({ time, count: counts.get(time) ?? 0 }))
    },
    retentionStats: () => ({ ...stats }),
    async ping() {},
    async close() {
      points.clear()
      bytes = 0
    },
  }
}
