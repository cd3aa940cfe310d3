// The stream chart's data: the aggregator's points ({time, count, type}) over the window, kept
// current by merging the buckets its SSE stream sends, and shaped into uPlot's aligned arrays.
export interface CountPoint {
  time: number
  count: number
  type: 'low' | 'high'
}

const key = (p: CountPoint) => `${p.type}:${p.time}`

/** Replaces points of the same bucket and type, adds new ones, drops those before the window. */
export function mergePoints(
  current: readonly CountPoint[],
  incoming: readonly CountPoint[],
  nowMs: number,
  windowMs: number,
): CountPoint[] {
  const byKey = new Map(current.map((p) => [key(p), p]))
  for (const p of incoming) byKey.set(key(p), p)
  const from = nowMs - windowMs
  return [...byKey.values()].filter((p) => p.time >= from).sort((a, b) => a.time - b.time)
}

/** [seconds, low, high]: one x per bucket; a series without a point for a bucket gets null (a gap). */
export function toChartData(points: readonly CountPoint[]): [number[], (number | null)[], (number | null)[]] {
  const times = [...new Set(points.map((p) => p.time))].sort((a, b) => a - b)
  const index = new Map(times.map((t, i) => [t, i]))
  const low = new Array<number | null>(times.length).fill(null)
  const high = new Array<number | null>(times.length).fill(null)
  for (const p of points) {
    const i = index.get(p.time)
    if (i === undefined) continue
    if (p.type === 'low') low[i] = p.count
    else high[i] = p.count
  }
  return [times.map((t) => t / 1000), low, high]
}

export function totals(points: readonly CountPoint[]): { low: number; high: number } {
  let low = 0
  let high = 0
  for (const p of points) {
    if (p.type === 'low') low += p.count
    else high += p.count
  }
  return { low, high }
}

/**
 * Splits off the bucket still filling (it ends after `nowMs`): drawn with the closed ones, its
 * partial count would look like a drop to zero at the right edge of the chart.
 */
export function splitOpenBucket(
  points: readonly CountPoint[],
  nowMs: number,
  bucketMs: number,
): { closed: CountPoint[]; open: CountPoint[] } {
  const closed: CountPoint[] = []
  const open: CountPoint[] = []
  for (const p of points) (p.time + bucketMs > nowMs ? open : closed).push(p)
  return { closed, open }
}
