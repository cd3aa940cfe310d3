// The embedded time-series store: points kept in a map keyed like InfluxDB's series + timestamp,
// so a second write of the same point overwrites it.
import { type Bucket, bucketStarts, type Point, type TimeSeriesStore } from './port.ts'

export function createMemoryTimeSeries(): TimeSeriesStore {
  const points = new Map<string, Point>()
  const key = (p: Point) =>
    `${p.measurement}\u0000${Object.entries(p.tags)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}\u0000${p.timeNs}`
  return {
    kind: 'memory',
    async ensureDatabase() {},
    async write(batch) {
      for (const point of batch) {
        const previous = points.get(key(point))
        points.set(
          key(point),
          previous ? { ...point, fields: { ...previous.fields, ...point.fields } } : point,
        )
      }
    },
    async countByBucket(query) {
      const starts = bucketStarts(query.fromMs, query.toMs, query.bucketMs)
      const counts = new Map(starts.map((s) => [s, 0]))
      const from = starts[0] ?? query.fromMs
      for (const p of points.values()) {
        if (p.measurement !== query.measurement || !(query.field in p.fields)) continue
        const ms = Number(p.timeNs / 1_000_000n)
        if (ms < from || ms >= query.toMs) continue
        const bucket = Math.floor(ms / query.bucketMs) * query.bucketMs
        counts.set(bucket, (counts.get(bucket) ?? 0) + 1)
      }
      return starts.map((time): Bucket => ({ time, count: counts.get(time) ?? 0 }))
    },
    async ping() {},
    async close() {
      points.clear()
    },
  }
}
