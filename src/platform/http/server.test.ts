import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { Type } from 'typebox'
import { parseOpenMetrics } from '../../../test/support/openmetrics.ts'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import { databaseUnavailable } from '../db/index.ts'
import { BakeryError, ErrorCode } from '../errors.ts'
import { createLogger } from '../log/index.ts'
import { createTelemetry } from '../telemetry/index.ts'
import { createHttpService } from './server.ts'
import { tagRequestOrder } from './tracing.ts'

function build(readinessOk = true) {
  const exporter = new InMemorySpanExporter()
  const telemetry = createTelemetry(loadConfig({}), { spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const service = createHttpService({
    name: 'test',
    host: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent', format: 'json' }),
    telemetry: telemetry.forService('test'),
    bodyLimit: 1024,
    readiness: [
      {
        name: 'database',
        check: async () => {
          if (!readinessOk) throw new Error('connection refused')
        },
      },
    ],
    routes(app) {
      app.post(
        '/orders',
        { schema: { body: Type.Object({ customer: Type.String({ minLength: 1 }), count: Type.Integer() }) } },
        async (request, reply) => {
          tagRequestOrder(request, 'c0ffee'.padEnd(32, '0'))
          return reply.code(202).send({ customer: request.body.customer })
        },
      )
      app.get(
        '/items',
        { schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 10 }) }) } },
        async (request) => ({ limit: request.query.limit }),
      )
      app.get('/boom', async () => {
        throw new Error('secret stack detail')
      })
      app.get('/db-away', async () => {
        throw databaseUnavailable(
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
        )
      })
      app.get('/db-away-wrapped', async () => {
        // A route wrapping the database's error in its own still answers 503.
        const refused = Object.assign(new Error('sorry, too many clients already'), { code: '53300' })
        throw new BakeryError(ErrorCode.INTERNAL, 'lookup failed', { cause: refused })
      })
      app.get('/upstream-refused', async () => {
        // A refused HTTP dependency is not the database: its own status stays.
        const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), {
          code: 'ECONNREFUSED',
        })
        throw new BakeryError(ErrorCode.DEPENDENCY_FAILED, 'payments failed', { status: 502, cause: refused })
      })
      app.get('/starting', async (_request, reply) => {
        reply.header('retry-after', '7')
        throw new BakeryError(ErrorCode.HTTP_OVERLOADED, 'starting', { status: 503 })
      })
      app.get('/conflict', async () => {
        throw new BakeryError(ErrorCode.HTTP_VALIDATION, 'already there', { status: 409 })
      })
    },
  })
  return { service, exporter }
}

test('http server answers liveness, readiness, and the seed probe paths', async (t) => {
  const { service } = build()
  t.after(() => service.app.close())
  const health = await service.app.inject('/healthz')
  assert.equal(health.statusCode, 200)
  assert.deepEqual(health.json(), { status: 'ok', service: 'test' })
  const ready = await service.app.inject('/readyz')
  assert.equal(ready.statusCode, 200)
  assert.equal(ready.json().checks.database.ok, true)
  assert.equal((await service.app.inject('/-/liveness')).body, 'Live')
  assert.equal((await service.app.inject('/-/readiness')).body, 'Ready')
})

test('http server reports not ready with the failing dependency', async (t) => {
  const { service } = build(false)
  t.after(() => service.app.close())
  const ready = await service.app.inject('/readyz')
  assert.equal(ready.statusCode, 503)
  assert.deepEqual(ready.json().checks.database, { ok: false, error: 'connection refused' })
  assert.equal((await service.app.inject('/-/readiness')).statusCode, 503)
})

test('http server names the wrong field in a 400 and never coerces body types', async (t) => {
  const { service } = build()
  t.after(() => service.app.close())
  const wrongType = await service.app.inject({
    method: 'POST',
    url: '/orders',
    payload: { customer: 7, count: 1 },
  })
  assert.equal(wrongType.statusCode, 400)
  assert.equal(wrongType.json().code, 'BKR_HTTP_VALIDATION')
  assert.deepEqual(wrongType.json().errors, [{ field: 'customer', message: 'must be string' }])
  const missing = await service.app.inject({ method: 'POST', url: '/orders', payload: { customer: 'ann' } })
  assert.equal(missing.statusCode, 400)
  assert.equal(missing.json().errors[0].field, 'count')
  const badJson = await service.app.inject({
    method: 'POST',
    url: '/orders',
    payload: '{"customer":',
    headers: { 'content-type': 'application/json' },
  })
  assert.equal(badJson.statusCode, 400)
  const ok = await service.app.inject({
    method: 'POST',
    url: '/orders',
    payload: { customer: 'ann', count: 2 },
  })
  assert.equal(ok.statusCode, 202)
  // Query strings are text, so they are converted.
  assert.deepEqual((await service.app.inject('/items?limit=5')).json(), { limit: 5 })
  assert.equal((await service.app.inject('/items?limit=50')).statusCode, 400)
})

test('http server limits body size, hides 5xx details and answers 404 as JSON', async (t) => {
  const { service } = build()
  t.after(() => service.app.close())
  const big = await service.app.inject({
    method: 'POST',
    url: '/orders',
    payload: { customer: 'x'.repeat(5000), count: 1 },
  })
  assert.equal(big.statusCode, 413)
  const boom = await service.app.inject('/boom')
  assert.equal(boom.statusCode, 500)
  assert.deepEqual(boom.json(), { code: 'BKR_INTERNAL', message: 'internal error' })
  assert.ok(!boom.body.includes('secret stack detail'))
  const conflict = await service.app.inject('/conflict')
  assert.equal(conflict.statusCode, 409)
  assert.equal(conflict.json().message, 'already there')
  const missing = await service.app.inject('/nowhere')
  assert.equal(missing.statusCode, 404)
  assert.equal(missing.json().code, 'BKR_HTTP_NOT_FOUND')
  assert.ok(missing.headers['x-request-id'])
  const echoed = await service.app.inject({ url: '/healthz', headers: { 'x-request-id': 'req-42' } })
  assert.equal(echoed.headers['x-request-id'], 'req-42')
})

test('http server answers 503 with Retry-After and BKR_DB_UNAVAILABLE when the database is away', async (t) => {
  const { service } = build()
  t.after(() => service.app.close())
  for (const url of ['/db-away', '/db-away-wrapped']) {
    const answer = await service.app.inject(url)
    assert.equal(answer.statusCode, 503, url)
    assert.equal(answer.headers['retry-after'], '2', url)
    assert.deepEqual(answer.json(), {
      code: 'BKR_DB_UNAVAILABLE',
      message: 'the database is unavailable, retry later',
    })
  }
  const upstream = await service.app.inject('/upstream-refused')
  assert.equal(upstream.statusCode, 502)
  assert.equal(upstream.json().code, 'BKR_DEPENDENCY_FAILED')
  const starting = await service.app.inject('/starting')
  assert.equal(starting.statusCode, 503)
  assert.equal(starting.headers['retry-after'], '7', 'a Retry-After set by the route is kept')
  assert.equal(starting.json().code, 'BKR_HTTP_OVERLOADED')
})

test('http server records a server span continuing the caller trace, and request metrics', async (t) => {
  const { service, exporter } = build()
  t.after(() => service.app.close())
  const traceId = '0af7651916cd43dd8448eb211c80319c'
  const response = await service.app.inject({
    method: 'POST',
    url: '/orders',
    payload: { customer: 'ann', count: 1 },
    headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
  })
  assert.equal(response.statusCode, 202)
  await service.app.inject('/healthz')
  const spans = exporter.getFinishedSpans()
  assert.equal(spans.length, 1, 'probes are not traced')
  const [span] = spans
  assert.equal(span?.name, 'POST /orders')
  assert.equal(span?.spanContext().traceId, traceId)
  assert.equal(span?.parentSpanContext?.spanId, 'b7ad6b7169203331')
  assert.equal(span?.attributes['http.response.status_code'], 202)
  assert.equal(span?.attributes['http.route'], '/orders')
  const metrics = (await service.app.inject('/metrics')).body
  assert.match(metrics, /http_server_request_duration_seconds_count\{[^}]*http_route="\/orders"[^}]*\} 1/)
})

// What Prometheus 2.x sends when it scrapes.
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

test('http server serves /metrics as OpenMetrics with the request exemplar when Prometheus asks, else as Prometheus text', async (t) => {
  const { service, exporter } = build()
  t.after(() => service.app.close())
  const accepted = await service.app.inject({
    method: 'POST',
    url: '/orders',
    payload: { customer: 'ann', count: 1 },
  })
  assert.equal(accepted.statusCode, 202)
  const [span] = exporter.getFinishedSpans()
  assert.equal(
    span?.attributes['bakery.order_key'],
    'c0ffee'.padEnd(32, '0'),
    'the request span names the order',
  )

  const open = await service.app.inject({ url: '/metrics', headers: { accept: PROMETHEUS_ACCEPT } })
  assert.equal(open.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  const duration = parseOpenMetrics(open.body).find((f) => f.name === 'http_server_request_duration_seconds')
  const exemplars = (duration?.samples ?? []).filter((s) => s.labels.http_route === '/orders' && s.exemplar)
  assert.equal(exemplars.length, 1, 'one bucket holds the request')
  assert.deepEqual(exemplars[0]?.exemplar?.labels, {
    trace_id: span?.spanContext().traceId,
    span_id: span?.spanContext().spanId,
    order_key: 'c0ffee'.padEnd(32, '0'),
  })

  const plain = await service.app.inject('/metrics')
  assert.equal(plain.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  assert.doesNotMatch(plain.body, /# EOF|trace_id/)
  assert.match(plain.body, /http_server_request_duration_seconds_count\{[^}]*http_route="\/orders"[^}]*\} 1/)
})
