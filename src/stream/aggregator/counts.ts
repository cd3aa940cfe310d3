// Counts per bucket of both stores, stamped at bucket start (aligned to the epoch) with empty
// buckets as 0, so the low and high series line up (the seed's were skewed by one bucket).
import type { Database } from '../../platform/db/index.ts'
import { bucketStarts, type TimeSeriesStore } from '../../platform/tsdb/index.ts'

export interface CountPoint {
  time: number
  count: number
  type: 'low' | 'high'
}

export async function highCounts(
  db: Database,
  schema: string,
  fromMs: number,
  toMs: number,
  bucketMs: number,
): Promise<CountPoint[]> {
  const starts = bucketStarts(fromMs, toMs, bucketMs)
  const from = starts[0] ?? fromMs
  const { rows } = await db.query<{ t: string; n: number }>(
    `SELECT (extract(epoch FROM date_bin(make_interval(secs => $1::float8 / 1000), time, timestamptz 'epoch')) * 1000)::bigint AS t,
            count(*)::int AS n
     FROM ${schema}.events
     WHERE time >= to_timestamp($2::float8 / 1000) AND time < to_timestamp($3::float8 / 1000)
     GROUP BY 1`,
    [bucketMs, from, toMs],
  )
  const counts = new Map(rows.map((r) => [Number(r.t), Number(r.n)]))
  return starts.map((time) => ({ time, count: counts.get(time) ?? 0, type: 'high' }))
}

export async function lowCounts(
  store: TimeSeriesStore,
  measurement: string,
  fromMs: number,
  toMs: number,
  bucketMs: number,
): Promise<CountPoint[]> {
  const buckets = await store.countByBucket({ measurement, field: 'amount', fromMs, toMs, bucketMs })
  return buckets.map((b) => ({ time: b.time, count: b.count, type: 'low' }))
}

export function merge(low: CountPoint[], high: CountPoint[]): CountPoint[] {
  return [...low, ...high].sort((a, b) => a.time - b.time || (a.type === 'low' ? -1 : 1))
}
