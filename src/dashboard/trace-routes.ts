// The trace viewer's API: search, and one trace with the links in both directions.
import { Type } from 'typebox'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { HttpApp } from '../platform/http/index.ts'
import type { SpanStore, StoredSpan } from '../platform/telemetry/index.ts'
import { listTraces, type TraceListQuery } from './trace-query.ts'

const TraceId = Type.String({ pattern: '^[0-9a-f]{32}$' })

const SearchQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 200 })),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  /** Part of the root span's name. */
  root: Type.Optional(Type.String({ maxLength: 200 })),
  /** true: also list single-span internal traces (hidden by default). */
  singleSpan: Type.Optional(Type.Boolean()),
  /** key=value, e.g. bakery.order_key=1d5f… */
  attribute: Type.Optional(Type.String({ maxLength: 400, pattern: '^[^=]+=.*$' })),
  minDurationMs: Type.Optional(Type.Number({ minimum: 0 })),
  error: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  /** A telemetry store run (see /api/telemetry/runs). */
  run: Type.Optional(Type.Integer({ minimum: 1 })),
})

export interface LinkedFrom {
  /** The span in another trace that carries the link (e.g. the consumer's receive-order). */
  traceId: string
  spanId: string
  name: string
  service: string
  /** The span of this trace it points at (e.g. publish-order). */
  targetSpanId: string
}

export interface LinkTarget {
  /** The span of another trace a span of this trace links to (e.g. the producer's publish-order). */
  traceId: string
  spanId: string
  name: string
  service: string
}

/** The spans this trace's links point at, named, so a forward link reads like a back-link. */
export function linkTargets(store: SpanStore, spans: readonly StoredSpan[]): LinkTarget[] {
  const traces = new Map<string, StoredSpan[]>()
  const out: LinkTarget[] = []
  for (const span of spans) {
    for (const link of span.links) {
      let target = traces.get(link.traceId)
      if (!target) {
        target = store.getTrace(link.traceId)
        traces.set(link.traceId, target)
      }
      const found = target.find((s) => s.spanId === link.spanId)
      if (found)
        out.push({ traceId: link.traceId, spanId: link.spanId, name: found.name, service: found.service })
    }
  }
  return out
}

function storeOff(): BakeryError {
  return new BakeryError(
    ErrorCode.HTTP_NOT_FOUND,
    'the in-process span store is off (BAKERY_SPAN_STORE_SIZE=0)',
    {
      status: 404,
    },
  )
}

export function linkedFrom(store: SpanStore, traceId: string): LinkedFrom[] {
  const out: LinkedFrom[] = []
  for (const span of store.findLinksTo(traceId)) {
    for (const link of span.links) {
      if (link.traceId !== traceId) continue
      out.push({
        traceId: span.traceId,
        spanId: span.spanId,
        name: span.name,
        service: span.service,
        targetSpanId: link.spanId,
      })
    }
  }
  return out
}

export function registerTraceRoutes(app: HttpApp, store: SpanStore | undefined): void {
  app.get('/api/traces', { schema: { querystring: SearchQuery } }, async (request) => {
    if (!store) throw storeOff()
    const { attribute, ...rest } = request.query
    const query: TraceListQuery = {}
    if (rest.service) query.service = rest.service
    if (rest.name) query.name = rest.name
    if (rest.root) query.root = rest.root
    if (rest.singleSpan !== undefined) query.singleSpan = rest.singleSpan
    if (rest.minDurationMs !== undefined) query.minDurationMs = rest.minDurationMs
    if (rest.error !== undefined) query.error = rest.error
    if (rest.run !== undefined) query.run = rest.run
    query.limit = rest.limit ?? 50
    if (attribute) {
      const eq = attribute.indexOf('=')
      query.attribute = { key: attribute.slice(0, eq).trim(), value: attribute.slice(eq + 1).trim() }
    }
    return { traces: listTraces(store, query) }
  })

  // Suggestions for the search form: services and span names among the newest spans.
  app.get('/api/traces/names', async () => {
    if (!store) throw storeOff()
    const services = new Set<string>()
    const names = new Set<string>()
    let seen = 0
    store.each((span) => {
      services.add(span.service)
      names.add(span.name)
      return ++seen < 5000
    })
    return { services: [...services].sort(), names: [...names].sort() }
  })

  app.get(
    '/api/traces/:traceId',
    { schema: { params: Type.Object({ traceId: TraceId }) } },
    async (request) => {
      if (!store) throw storeOff()
      const { traceId } = request.params
      const spans = store.getTrace(traceId)
      if (spans.length === 0) {
        throw new BakeryError(ErrorCode.HTTP_NOT_FOUND, `trace ${traceId} is not in the span store`, {
          status: 404,
        })
      }
      return { traceId, spans, linkedFrom: linkedFrom(store, traceId), linksTo: linkTargets(store, spans) }
    },
  )
}
