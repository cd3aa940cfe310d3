// Live order flow, read from the traces: the bakery seed's span names (the original demo's, kept
// by the reception and the baker) are the contract, so this works in embedded mode and for processes that export to the OTLP receiver alike.
import type { SpanStore, StoredSpan } from '../platform/telemetry/index.ts'

export interface Percentiles {
  count: number
  p50: number | null
  p90: number | null
  p99: number | null
  max: number | null
}

export interface OrderFlow {
  /** Start of each one-second bucket, unix seconds, oldest first. */
  seconds: number[]
  accepted: number[]
  baking: number[]
  finished: number[]
  /** Orders published whose receive-order span has not been seen yet (still on the queue). */
  waiting: number
  timeOnQueueMs: Percentiles
  completionMs: Percentiles
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: null, p90: null, p99: null, max: null }
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null
  return { count: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.at(-1) ?? null }
}

const orderKey = (span: StoredSpan) =>
  String(span.attributes['bakery.order_key'] ?? span.attributes['baker.order_key'] ?? '')

/** Buckets the last `windowS` seconds of order spans; scans at most 10 minutes for the backlog. */
export function computeOrderFlow(store: SpanStore, nowMs: number, windowS = 60): OrderFlow {
  const end = Math.floor(nowMs / 1000)
  const first = end - windowS + 1
  const seconds = Array.from({ length: windowS }, (_, i) => first + i)
  const accepted = new Array<number>(windowS).fill(0)
  const baking = new Array<number>(windowS).fill(0)
  const finished = new Array<number>(windowS).fill(0)
  const onQueue: number[] = []
  const completion: number[] = []
  const received = new Set<string>()
  let waiting = 0
  const horizon = nowMs - 600_000
  const bucket = (ms: number) => Math.floor(ms / 1000) - first

  store.each((span) => {
    if (span.startTimeMs < horizon) return false
    if (span.name === 'receive-order') {
      received.add(orderKey(span))
      const i = bucket(span.startTimeMs)
      if (i >= 0 && i < windowS) {
        baking[i] = (baking[i] ?? 0) + 1
        const q = Number(span.attributes['queue.time_on_queue_ms'])
        if (Number.isFinite(q)) onQueue.push(q)
      }
    } else if (span.name === 'publish-order') {
      // Newest first: a receive-order span is always visited before its (older) publish-order.
      if (!received.has(orderKey(span)) && span.status !== 'error') waiting++
      const i = bucket(span.startTimeMs)
      if (i >= 0 && i < windowS) accepted[i] = (accepted[i] ?? 0) + 1
    } else if (span.name === 'processing-order' && span.status !== 'error') {
      const i = bucket(span.startTimeMs + span.durationMs)
      if (i >= 0 && i < windowS) {
        finished[i] = (finished[i] ?? 0) + 1
        const c = Number(span.attributes['baker.time_to_completion_ms'])
        if (Number.isFinite(c)) completion.push(c)
      }
    }
    return true
  })
  return {
    seconds,
    accepted,
    baking,
    finished,
    waiting,
    timeOnQueueMs: percentiles(onQueue),
    completionMs: percentiles(completion),
  }
}
