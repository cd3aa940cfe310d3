// The time-series store port: InfluxDB through its 1.x HTTP API (also served by InfluxDB 2.x and
// 3.x as v1 compatibility) in production, an in-process store embedded. A point is identified by
// measurement + tag set + timestamp: writing the same point again overwrites it, which is what
// makes a replayed batch idempotent.

export interface Point {
  measurement: string
  tags: Readonly<Record<string, string>>
  /** number = float, bigint = integer, string, boolean. */
  fields: Readonly<Record<string, number | bigint | string | boolean>>
  /** Nanoseconds since the epoch. */
  timeNs: bigint
}

export interface CountQuery {
  measurement: string
  field: string
  /** Window start (ms, inclusive), aligned down to a bucket boundary by the store. */
  fromMs: number
  /** Window end (ms, exclusive). */
  toMs: number
  bucketMs: number
}

export interface Bucket {
  /** Bucket start, ms since the epoch (buckets are aligned to the epoch). */
  time: number
  count: number
}

export interface TimeSeriesStore {
  readonly kind: 'influx' | 'memory'
  /** Creates the database when missing. */
  ensureDatabase(): Promise<void>
  write(points: readonly Point[]): Promise<void>
  /** Points per bucket over the window, every bucket present (empty ones as 0), oldest first. */
  countByBucket(query: CountQuery): Promise<Bucket[]>
  ping(): Promise<void>
  close(): Promise<void>
}

/** Every bucket start in [fromMs, toMs), aligned to the epoch, as date_bin and InfluxQL do. */
export function bucketStarts(fromMs: number, toMs: number, bucketMs: number): number[] {
  const out: number[] = []
  for (let t = Math.floor(fromMs / bucketMs) * bucketMs; t < toMs; t += bucketMs) out.push(t)
  return out
}

/**
 * Whether a refused InfluxDB request may succeed later. 400 (a point it cannot parse or store:
 * a field type conflict, a time out of range), 413 and 422 refuse the data itself, for good;
 * everything else (5xx, auth, a missing database, rate limits) may pass on another try.
 */
export function retryableStatus(status: number): boolean {
  return status !== 400 && status !== 413 && status !== 422
}
