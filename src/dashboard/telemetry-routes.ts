// The telemetry store's API: log search, the store's state (size, budget, what was cut or
// dropped), its runs with download (OTLP JSON, gzip) and upload, and one order across signals.
import type { Readable } from 'node:stream'
import { Type } from 'typebox'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { HttpApp } from '../platform/http/index.ts'
import {
  exportRun,
  importRun,
  LOG_LEVELS,
  type LogLevelName,
  type LogQuery,
  type TelemetryStore,
} from '../platform/telemetry/store/index.ts'
import { orderSignals } from './order-signals.ts'

const LogSearch = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  level: Type.Optional(Type.Union(Object.keys(LOG_LEVELS).map((l) => Type.Literal(l)))),
  service: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(Type.Number({ minimum: 0 })),
  to: Type.Optional(Type.Number({ minimum: 0 })),
  orderKey: Type.Optional(Type.String({ maxLength: 128 })),
  traceId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$' })),
  spanId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16}$' })),
  run: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
})

const RunParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const OrderKey = Type.Object({ key: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,128}$' }) })

function storeOff(): BakeryError {
  return new BakeryError(
    ErrorCode.HTTP_NOT_FOUND,
    'this process has no telemetry store (it opens in the process that runs the dashboard via bakery start)',
    { status: 404 },
  )
}

export function registerTelemetryRoutes(
  app: HttpApp,
  store: TelemetryStore | undefined,
  receptionUrl: () => string | undefined,
): void {
  const need = (): TelemetryStore => {
    if (!store) throw storeOff()
    return store
  }

  app.get('/api/logs', { schema: { querystring: LogSearch } }, async (request) => {
    const q = request.query
    const query: LogQuery = { limit: q.limit ?? 200 }
    if (q.q) query.text = q.q
    if (q.level) query.level = q.level as LogLevelName
    if (q.service) query.service = q.service
    if (q.from !== undefined) query.fromMs = q.from
    if (q.to !== undefined) query.toMs = q.to
    if (q.orderKey) query.orderKey = q.orderKey
    if (q.traceId) query.traceId = q.traceId
    if (q.spanId) query.spanId = q.spanId
    if (q.run !== undefined) query.run = q.run
    if (q.traceId) query.ascending = true
    const logs = need().logs
    return { logs: logs.search(query), services: logs.services() }
  })

  app.get('/api/telemetry', async () => need().stats())
  app.get('/api/telemetry/runs', async () => ({ runs: need().runs() }))

  app.get('/api/telemetry/runs/:id/export', { schema: { params: RunParams } }, async (request, reply) => {
    const { id } = request.params
    const stream = exportRun(need(), id)
    return reply
      .type('application/gzip')
      .header('content-disposition', `attachment; filename="bakery-run-${id}.otlp.jsonl.gz"`)
      .send(stream)
  })

  // Upload: the raw gzip body is streamed into the import, never buffered whole.
  app.register(async (upload) => {
    upload.removeAllContentTypeParsers()
    upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload))
    upload.post('/api/telemetry/runs', async (request, reply) => {
      const s = need()
      const label =
        typeof request.headers['x-file-name'] === 'string' ? request.headers['x-file-name'] : 'upload'
      const run = await importRun(s, request.body as Readable, label, s.stats().budgetBytes)
      return reply.code(201).send({ run: s.getRun(run) })
    })
  })

  app.get('/api/orders/:key/signals', { schema: { params: OrderKey } }, async (request) =>
    orderSignals(need(), request.params.key, receptionUrl()),
  )
}
