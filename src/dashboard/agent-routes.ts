// The telemetry API for agents (and `bakery mcp`, which forwards to it): the services, log lines
// and recent metric series of this process. Traces are under /api/traces (trace-routes.ts).
import { Type } from 'typebox'
import type { MetricHistory } from '../incidents/metric-history.ts'
import { logsFromSpans } from '../incidents/run-telemetry.ts'
import type { HttpApp } from '../platform/http/index.ts'
import type { SpanStore, StoredSpan } from '../platform/telemetry/index.ts'
import { services } from '../services.ts'

const LogQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 100 })),
  /** Text the message must contain (case-insensitive). */
  q: Type.Optional(Type.String({ maxLength: 200 })),
  level: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')])),
  sinceMs: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
})
const MetricQuery = Type.Object({
  service: Type.String({ maxLength: 100 }),
  name: Type.String({ maxLength: 200, pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' }),
  sinceS: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
})

/** How many of the newest spans a log search reads (the store is a ring of recent spans). */
const LOG_SCAN_SPANS = 20_000

export function registerAgentRoutes(
  app: HttpApp,
  store: SpanStore | undefined,
  metrics: MetricHistory,
): void {
  app.get('/api/services', async () => {
    const seen = new Map<string, number>()
    let scanned = 0
    store?.each((span) => {
      seen.set(span.service, (seen.get(span.service) ?? 0) + 1)
      return ++scanned < 5000
    })
    return {
      services: services.map((s) => ({
        name: s.name,
        system: s.system,
        kind: s.kind,
        description: s.description,
        recentSpans: seen.get(s.name) ?? 0,
      })),
    }
  })
  app.get('/api/logs', { schema: { querystring: LogQuery } }, async (request) => {
    const { service, q, level, sinceMs = 0, limit = 100 } = request.query
    const spans: StoredSpan[] = []
    let scanned = 0
    store?.each((span) => {
      if ((!service || span.service === service) && span.startTimeMs >= sinceMs) spans.push(span)
      return ++scanned < LOG_SCAN_SPANS
    })
    const needle = q?.toLowerCase()
    const logs = logsFromSpans(spans)
      .filter((l) => (!level || l.level === level) && (!needle || l.message.toLowerCase().includes(needle)))
      .slice(-limit)
    return { logs, source: 'spans' }
  })
  app.get('/api/metrics', { schema: { querystring: MetricQuery } }, async (request) => {
    const { service, name, sinceS = 300 } = request.query
    await metrics.sample()
    return { service, name, points: metrics.series(service, name, Date.now() - sinceS * 1000) }
  })
  app.get('/api/metrics/names', async () => {
    await metrics.sample()
    return { names: metrics.names() }
  })
}
