// The trace list the Traces page shows, on top of the span store's search: newest first by start
// time, filtered by service, span name, root span name, and without the single-span internal
// traces (a lone query or timer) unless asked for them.
import type { SpanKindName, SpanStore, TraceQuery, TraceSummary } from '../platform/telemetry/index.ts'

export interface TraceListQuery extends TraceQuery {
  /** Part of the root span's name, e.g. "POST /orders". */
  root?: string
  /** Include traces of one span whose root is internal or client work; hidden by default. */
  singleSpan?: boolean
}

/** How many candidates the store is asked for, so sorting by start time sees more than it returns. */
const POOL = 500
const QUIET_KINDS: ReadonlySet<SpanKindName> = new Set(['internal', 'client'])

export function listTraces(store: SpanStore, query: TraceListQuery): TraceSummary[] {
  const { root, singleSpan, limit = 50, ...search } = query
  const candidates = store.search({ ...search, limit: POOL })
  const kept = candidates.filter(
    (t) =>
      (root === undefined || t.rootName.includes(root)) &&
      (singleSpan === true || !isSingleSpanInternal(store, t)),
  )
  return kept.sort((a, b) => b.startTimeMs - a.startTimeMs).slice(0, limit)
}

function isSingleSpanInternal(store: SpanStore, summary: TraceSummary): boolean {
  if (summary.spanCount !== 1) return false
  const kind = summary.rootKind ?? store.getTrace(summary.traceId)[0]?.kind
  return kind === undefined || QUIET_KINDS.has(kind)
}
