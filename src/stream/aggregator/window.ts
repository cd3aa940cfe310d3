// Query parameters of the aggregator: durations as ms numbers or with a unit (500ms, 10s, 10m, 1h).
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const MAX_BUCKETS = 10_000
/** Longest window (and bucket) a query may span: 31 days. */
export const MAX_WINDOW_MS = 31 * 86_400_000
/** Smallest bucket of the live stream: every bucket close costs one store query. */
export const MIN_STREAM_BUCKET_MS = 1_000

export function parseDuration(raw: string): number | undefined {
  if (raw.length > 32) return undefined
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim())
  if (!match) return undefined
  const value = Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1)
  return Number.isFinite(value) && value > 0 && value <= MAX_WINDOW_MS ? Math.round(value) : undefined
}

export type Window = { ok: true; windowMs: number; bucketMs: number } | { ok: false; message: string }

export function parseWindow(query: { window?: unknown; bucket?: unknown }): Window {
  if (Array.isArray(query.window)) return { ok: false, message: 'window must be given once' }
  if (Array.isArray(query.bucket)) return { ok: false, message: 'bucket must be given once' }
  const windowMs = typeof query.window === 'string' ? parseDuration(query.window) : 600_000
  const bucketMs = typeof query.bucket === 'string' ? parseDuration(query.bucket) : 10_000
  if (windowMs === undefined)
    return { ok: false, message: 'window must be a duration up to 31d such as 600000, 10m or 1h' }
  if (bucketMs === undefined)
    return { ok: false, message: 'bucket must be a duration up to 31d such as 10000, 10s or 1m' }
  if (bucketMs < 100) return { ok: false, message: 'bucket must be at least 100ms' }
  if (windowMs < bucketMs) return { ok: false, message: 'window must be at least one bucket' }
  if (windowMs / bucketMs > MAX_BUCKETS)
    return { ok: false, message: `window / bucket must be at most ${MAX_BUCKETS}` }
  return { ok: true, windowMs, bucketMs }
}
