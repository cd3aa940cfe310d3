// Checks that an incident's expected signals really appear: in the trace store (error spans,
// slow spans, retries fanning out in one trace) or in the service's metrics. It records when
// each was first seen and a few example traces, for the ground truth's `verified` block.
import type { SpanStore, StoredSpan } from '../platform/telemetry/index.ts'
import type { SignalCheck, Verified } from './ground-truth.ts'
import type { MetricHistory } from './metric-history.ts'
import type { ExpectedSignal } from './model.ts'

const EXAMPLES = 3

export interface SignalWatch {
  /** Looks again (cheap: scans only spans that ended since the injection). */
  check(): Promise<void>
  result(): Verified
  allSeen(): boolean
}

function matches(span: StoredSpan, signal: ExpectedSignal): boolean {
  return span.service === signal.service && span.name.includes(signal.span)
}

/** The spans that count for a span signal, oldest end first, ended after `sinceMs`. */
function spansFor(store: SpanStore, signal: ExpectedSignal, sinceMs: number): StoredSpan[] {
  const out: StoredSpan[] = []
  store.each((span) => {
    if (span.startTimeMs + span.durationMs < sinceMs) return false
    if (span.startTimeMs >= sinceMs && matches(span, signal)) out.push(span)
    return true
  })
  return out.sort((a, b) => a.startTimeMs + a.durationMs - (b.startTimeMs + b.durationMs))
}

function spanCheck(
  store: SpanStore,
  signal: ExpectedSignal,
  injectMs: number,
): Omit<SignalCheck, 'service' | 'span' | 'signal'> {
  const spans = spansFor(store, signal, injectMs)
  const minCount = signal.minCount ?? 3
  const endOf = (s: StoredSpan) => s.startTimeMs + s.durationMs
  const none = { seen: false, seen_in: null, detect_ms: null, example_trace_ids: [], value: null } as const
  if (signal.signal === 'fanout') {
    const perTrace = new Map<string, StoredSpan[]>()
    for (const span of spans) perTrace.set(span.traceId, [...(perTrace.get(span.traceId) ?? []), span])
    const fanned = [...perTrace.values()].filter((group) => group.length >= signal.threshold)
    if (fanned.length === 0)
      return { ...none, value: Math.max(0, ...[...perTrace.values()].map((g) => g.length)) }
    const first = Math.min(...fanned.map((g) => endOf(g[signal.threshold - 1] ?? (g[0] as StoredSpan))))
    return {
      seen: true,
      seen_in: 'traces',
      detect_ms: Math.max(0, Math.round(first - injectMs)),
      example_trace_ids: fanned.slice(0, EXAMPLES).map((g) => g[0]?.traceId ?? ''),
      value: Math.max(...fanned.map((g) => g.length)),
    }
  }
  const hits =
    signal.signal === 'error-spans'
      ? spans.filter((s) => s.status === 'error')
      : spans.filter((s) => s.durationMs >= signal.threshold)
  const value =
    signal.signal === 'error-spans' ? hits.length : Math.round(Math.max(0, ...hits.map((s) => s.durationMs)))
  const decisive = hits[minCount - 1]
  if (!decisive) return { ...none, value }
  return {
    seen: true,
    seen_in: 'traces',
    detect_ms: Math.max(0, Math.round(endOf(decisive) - injectMs)),
    example_trace_ids: [...new Set(hits.map((s) => s.traceId))].slice(0, EXAMPLES),
    value,
  }
}

function metricCheck(
  metrics: MetricHistory,
  signal: ExpectedSignal,
  injectMs: number,
  baseline: number,
): Omit<SignalCheck, 'service' | 'span' | 'signal'> {
  const series = metrics.series(signal.service, signal.span, injectMs)
  // A rise counts from the lowest value seen so far, not from one reading at injection: a major
  // garbage collection during the run can drop the heap below a baseline that held old garbage,
  // and a leak's growth after that drop is still the leak.
  let floor = baseline
  const levels = series.map((p) => {
    if (signal.signal !== 'metric-rise') return { timeMs: p.timeMs, level: p.value }
    const level = p.value - floor
    floor = Math.min(floor, p.value)
    return { timeMs: p.timeMs, level }
  })
  const hit = levels.find((p) => p.level >= signal.threshold)
  const value = (hit ?? levels.at(-1))?.level ?? null
  if (!hit) return { seen: false, seen_in: null, detect_ms: null, example_trace_ids: [], value }
  return {
    seen: true,
    seen_in: 'metrics',
    detect_ms: Math.max(0, Math.round(hit.timeMs - injectMs)),
    example_trace_ids: [],
    value,
  }
}

export function watchSignals(options: {
  signals: readonly ExpectedSignal[]
  store: SpanStore | undefined
  metrics: MetricHistory
  injectMs: number
  /** Metric values when the run started, for metric-rise. */
  baselines: ReadonlyMap<string, number>
}): SignalWatch {
  const checks = new Map<ExpectedSignal, SignalCheck>()
  const settled = (s: ExpectedSignal) => checks.get(s)?.seen === true
  return {
    async check() {
      if (options.signals.some((s) => s.signal.startsWith('metric') && !settled(s)))
        await options.metrics.sample()
      for (const signal of options.signals) {
        if (settled(signal)) continue
        const head = { service: signal.service, span: signal.span, signal: signal.signal }
        const body = signal.signal.startsWith('metric')
          ? metricCheck(
              options.metrics,
              signal,
              options.injectMs,
              options.baselines.get(baselineKey(signal)) ?? 0,
            )
          : options.store
            ? spanCheck(options.store, signal, options.injectMs)
            : { seen: false, seen_in: null, detect_ms: null, example_trace_ids: [], value: null }
        checks.set(signal, { ...head, ...body })
      }
    },
    allSeen: () => options.signals.every(settled),
    result() {
      const signals = options.signals.map(
        (s) =>
          checks.get(s) ?? {
            service: s.service,
            span: s.span,
            signal: s.signal,
            seen: false,
            seen_in: null,
            detect_ms: null,
            example_trace_ids: [],
            value: null,
          },
      )
      const times = signals.flatMap((s) => (s.detect_ms === null ? [] : [s.detect_ms]))
      return {
        ok: signals.length > 0 && signals.every((s) => s.seen),
        detect_ms: times.length > 0 ? Math.min(...times) : null,
        signals,
      }
    },
  }
}

export const baselineKey = (signal: ExpectedSignal) => `${signal.service}\u0000${signal.span}`
