// Latency histograms: HDR (hdr-histogram-js) in microseconds, so percentiles stay within 0.1%
// from 1 µs to an hour without keeping every sample.
import { build, type Histogram } from 'hdr-histogram-js'

const MAX_US = 3_600_000_000

export interface LatencySummary {
  readonly count: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
  readonly mean: number
}

export interface LatencyHistogram {
  /** Records one latency in milliseconds (clamped to 1 µs … 1 h). */
  record(ms: number): void
  readonly count: number
  /** A percentile in milliseconds; 0 when empty. */
  percentile(p: number): number
  /** null when nothing was recorded. */
  summary(): LatencySummary | null
  reset(): void
}

const round = (ms: number) => Math.round(ms * 1000) / 1000

export function createLatencyHistogram(): LatencyHistogram {
  const h: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: MAX_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  })
  return {
    record(ms) {
      h.recordValue(Math.min(MAX_US, Math.max(1, Math.round(ms * 1000))))
    },
    get count() {
      return h.totalCount
    },
    percentile(p) {
      return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / 1000
    },
    summary() {
      if (h.totalCount === 0) return null
      // A percentile is its bucket's highest equivalent value, which can exceed the exact max.
      const at = (p: number) => round(Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000)
      return {
        count: h.totalCount,
        p50: at(50),
        p90: at(90),
        p99: at(99),
        p999: at(99.9),
        max: round(h.maxValue / 1000),
        mean: round(h.mean / 1000),
      }
    },
    reset() {
      h.reset()
    },
  }
}
