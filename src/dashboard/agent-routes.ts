// The telemetry API for agents (and `bakery mcp`, which forwards to it): the services and recent
// metric series of this process. Traces are under /api/traces, logs under /api/logs.
import { Type } from 'typebox'
import { catalogue } from '../catalogue.ts'
import type { MetricHistory } from '../incidents/metric-history.ts'
import type { HttpApp } from '../platform/http/index.ts'
import type { SpanStore } from '../platform/telemetry/index.ts'

const MetricQuery = Type.Object({
  service: Type.String({ maxLength: 100 }),
  name: Type.String({ maxLength: 200, pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' }),
  sinceS: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
})

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
      services: catalogue.map((s) => ({
        name: s.name,
        system: s.system,
        kind: s.kind,
        description: s.description,
        recentSpans: seen.get(s.name) ?? 0,
      })),
    }
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
