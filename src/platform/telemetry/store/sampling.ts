// What the telemetry store persists under load. Up to `perSecond` ok spans a second every span is
// written; past it, error spans still are, and ok spans are kept for a share of orders (or of
// traces, for spans that name no order) that brings the rate back to the budget. Writing every
// span of a loaded process cost it a quarter of its CPU (SQLite inserts), far more than the
// services' own work. The choice hangs on a hash of the order key, so every trace of a kept
// order (reception, hops, baker: linked traces) is kept whole, and a trace's later spans follow
// the choice made for its first. The in-memory ring of recent spans (live views) sees every span.
import type { StoredSpan } from '../span-store.ts'
import { createRecentMap } from './caps.ts'
import { orderKeyOf } from './rows.ts'

export interface SamplingCounters {
  /** Ok spans not written because the store was over its rate. */
  spansSampledOut: number
  /** Share of ok spans written in the current second (1 = all). */
  share: number
}

export interface PersistSampler {
  readonly counters: SamplingCounters
  /** Whether the store writes this span. */
  keep(span: StoredSpan): boolean
}

const WINDOW_MS = 1000
// Traces whose choice is remembered; the oldest go first (a trace rarely outlives so many newer).
const REMEMBERED_TRACES = 50_000

/** `perSecond` 0 writes every span. */
export function createPersistSampler(perSecond: number, now: () => number = Date.now): PersistSampler {
  const counters: SamplingCounters = { spansSampledOut: 0, share: 1 }
  const choices = createRecentMap<boolean>(2 * REMEMBERED_TRACES)
  let windowStart = now()
  let seen = 0

  function roll(at: number): void {
    const elapsed = at - windowStart
    if (elapsed < WINDOW_MS) return
    // Spans a second over the last window (one span a second short of a full window counts too).
    const rate = elapsed < 2 * WINDOW_MS ? (seen * WINDOW_MS) / elapsed : 0
    counters.share = rate <= perSecond ? 1 : perSecond / rate
    windowStart = at
    seen = 0
  }

  return {
    counters,
    keep(span) {
      if (perSecond <= 0 || span.status === 'error') return true
      roll(now())
      seen++
      let keep = choices.get(span.traceId)
      if (keep === undefined) {
        if (counters.share >= 1) return true
        keep = fraction(orderKeyOf(span.attributes) ?? span.traceId) < counters.share
        choices.set(span.traceId, keep)
      }
      if (!keep) counters.spansSampledOut++
      return keep
    },
  }
}

/** FNV-1a of the text, as a fraction in [0, 1). */
function fraction(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) / 0x1_0000_0000
}
