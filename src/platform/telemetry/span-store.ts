// A bounded in-process span store: the trace backend of embedded mode. Ended spans (local, or
// received over OTLP/HTTP from other Bakery processes) are kept as plain records in a ring buffer.
import { type Context, SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { hrTimeToMilliseconds } from '@opentelemetry/core'
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base'

export type AttributeValue =
  | string
  | number
  | boolean
  | readonly (string | number | boolean | null | undefined)[]
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer'

export interface StoredSpan {
  traceId: string
  spanId: string
  parentSpanId: string | undefined
  name: string
  kind: SpanKindName
  service: string
  startTimeMs: number
  durationMs: number
  status: 'unset' | 'ok' | 'error'
  statusMessage: string | undefined
  attributes: Record<string, AttributeValue>
  events: { name: string; timeMs: number; attributes: Record<string, AttributeValue> }[]
  links: { traceId: string; spanId: string; attributes: Record<string, AttributeValue> }[]
  /** The resource (service.name and the rest) that produced the span, when known. */
  resource?: Record<string, AttributeValue>
}

export interface TraceSummary {
  traceId: string
  rootName: string
  rootService: string
  /** Kind of the root span (a missing root: the kind of the earliest span seen). */
  rootKind?: SpanKindName
  startTimeMs: number
  durationMs: number
  spanCount: number
  services: string[]
  error: boolean
}

export interface TraceQuery {
  /** Only spans of this telemetry store run (see the store's runs). */
  run?: number
  service?: string
  name?: string
  attribute?: { key: string; value: string }
  minDurationMs?: number
  error?: boolean
  limit?: number
}

export interface SpanStore {
  readonly capacity: number
  add(span: StoredSpan): void
  size(): number
  getTrace(traceId: string): StoredSpan[]
  /** Spans in other traces that link to a span of this trace (consumer → producer, seen from the producer). */
  findLinksTo(traceId: string): StoredSpan[]
  search(query: TraceQuery): TraceSummary[]
  /** Visits stored spans newest first until `visit` returns false (dashboard aggregates). */
  each(visit: (span: StoredSpan) => boolean | undefined): void
  clear(): void
}

export function createSpanStore(capacity: number): SpanStore {
  // Adding is one slot write and nothing else: at full load the store turns over every few
  // seconds, so any per-trace index would be rebuilt far more often than anybody reads it.
  // Reads scan the ring instead (20,000 spans take well under a millisecond).
  const ring: (StoredSpan | undefined)[] = new Array(capacity)
  let next = 0
  let count = 0

  function* newestFirst(): Generator<StoredSpan> {
    for (let i = 1; i <= count; i++) {
      const span = ring[(next - i + capacity) % capacity]
      if (span) yield span
    }
  }

  function spansByTrace(): Map<string, StoredSpan[]> {
    const byTrace = new Map<string, StoredSpan[]>()
    for (const span of newestFirst()) {
      const spans = byTrace.get(span.traceId)
      if (spans) spans.push(span)
      else byTrace.set(span.traceId, [span])
    }
    return byTrace
  }

  function summarize(traceId: string, spans: StoredSpan[]): TraceSummary {
    const root = spans.find((s) => s.parentSpanId === undefined) ?? spans[0]
    const start = Math.min(...spans.map((s) => s.startTimeMs))
    const end = Math.max(...spans.map((s) => s.startTimeMs + s.durationMs))
    return {
      traceId,
      rootName: root?.name ?? '',
      rootService: root?.service ?? '',
      rootKind: root?.kind ?? 'internal',
      startTimeMs: start,
      durationMs: end - start,
      spanCount: spans.length,
      services: [...new Set(spans.map((s) => s.service))],
      error: spans.some((s) => s.status === 'error'),
    }
  }

  return {
    capacity,
    add(span) {
      if (capacity === 0) return
      ring[next] = span
      next = next + 1 === capacity ? 0 : next + 1
      if (count < capacity) count++
    },
    size: () => count,
    getTrace(traceId) {
      const out: StoredSpan[] = []
      for (const span of newestFirst()) if (span.traceId === traceId) out.push(span)
      return out.sort((a, b) => a.startTimeMs - b.startTimeMs)
    },
    findLinksTo(traceId) {
      const out: StoredSpan[] = []
      for (const span of newestFirst()) {
        if (span.links.some((l) => l.traceId === traceId)) out.push(span)
      }
      return out
    },
    search(query) {
      const limit = query.limit ?? 50
      const byTrace = spansByTrace()
      const seen = new Set<string>()
      const out: TraceSummary[] = []
      for (const span of newestFirst()) {
        if (out.length >= limit) break
        if (seen.has(span.traceId) || !matches(span, query)) continue
        seen.add(span.traceId)
        const summary = summarize(span.traceId, byTrace.get(span.traceId) ?? [span])
        if (query.minDurationMs !== undefined && summary.durationMs < query.minDurationMs) continue
        if (query.error === true && !summary.error) continue
        out.push(summary)
      }
      return out
    },
    each(visit) {
      for (const span of newestFirst()) if (visit(span) === false) return
    },
    clear() {
      ring.fill(undefined)
      next = 0
      count = 0
    },
  }
}

function matches(span: StoredSpan, query: TraceQuery): boolean {
  if (query.service && span.service !== query.service) return false
  if (query.name && !span.name.includes(query.name)) return false
  if (query.attribute && String(span.attributes[query.attribute.key]) !== query.attribute.value) return false
  return true
}

const KIND_NAMES: Record<SpanKind, SpanKindName> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
}

// Most spans have no events or links; sharing one empty array keeps two objects per stored span
// out of the heap. Stored spans are read-only, so the sharing is safe.
const NO_EVENTS: StoredSpan['events'] = Object.freeze([]) as unknown as StoredSpan['events']
const NO_LINKS: StoredSpan['links'] = Object.freeze([]) as unknown as StoredSpan['links']

export function toStoredSpan(span: ReadableSpan): StoredSpan {
  const context = span.spanContext()
  const status =
    span.status.code === SpanStatusCode.ERROR
      ? 'error'
      : span.status.code === SpanStatusCode.OK
        ? 'ok'
        : 'unset'
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: KIND_NAMES[span.kind],
    service: String(span.resource.attributes['service.name'] ?? 'unknown'),
    startTimeMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status,
    statusMessage: span.status.message,
    attributes: span.attributes as Record<string, AttributeValue>,
    events:
      span.events.length === 0
        ? NO_EVENTS
        : span.events.map((e) => ({
            name: e.name,
            timeMs: hrTimeToMilliseconds(e.time),
            attributes: (e.attributes ?? {}) as Record<string, AttributeValue>,
          })),
    links:
      span.links.length === 0
        ? NO_LINKS
        : span.links.map((l) => ({
            traceId: l.context.traceId,
            spanId: l.context.spanId,
            attributes: (l.attributes ?? {}) as Record<string, AttributeValue>,
          })),
    resource: span.resource.attributes as Record<string, AttributeValue>,
  }
}

/** Feeds ended, sampled spans into the store synchronously; the conversion is cheap and bounded. */
export function createSpanStoreProcessor(store: SpanStore): SpanProcessor {
  return {
    onStart(_span, _parent: Context) {},
    onEnd(span) {
      store.add(toStoredSpan(span))
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  }
}
