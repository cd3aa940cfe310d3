import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base'
import { startDashboard } from '../../test/support/dashboard.ts'
import { loadConfig } from '../config.ts'
import { createHttpService } from '../platform/http/index.ts'
import { createLogger } from '../platform/log/index.ts'
import { createTelemetry } from '../platform/telemetry/index.ts'

/** A producer trace and a consumer trace linked to it, as the bakery's reception and baker make. */
async function exportLinkedTraces(exporter: SpanExporter, service: string) {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  })
  const tracer = provider.getTracer('test')
  const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER })
  const publish = tracer.startSpan(
    'publish-order',
    { kind: SpanKind.PRODUCER, attributes: { 'bakery.order_key': 'k1', 'queue.publish.success': true } },
    trace.setSpan(context.active(), root),
  )
  publish.addEvent('published', { attempt: 1 })
  publish.end()
  root.end()
  const receive = tracer.startSpan('receive-order', {
    kind: SpanKind.CONSUMER,
    root: true,
    links: [{ context: publish.spanContext() }],
    attributes: { 'bakery.order_key': 'k1', 'queue.time_on_queue_ms': 12, list: ['a', 'b'], ratio: 0.5 },
  })
  receive.setStatus({ code: 2, message: 'burnt' })
  receive.end()
  await provider.forceFlush()
  await provider.shutdown()
  return { producerTrace: publish.spanContext().traceId, consumerTrace: receive.spanContext().traceId }
}

for (const [encoding, Exporter] of [
  ['http/protobuf', ProtoExporter],
  ['http/json', JsonExporter],
] as const) {
  test(`dashboard OTLP receiver stores spans and links when a process exports ${encoding}`, async (t) => {
    const { url, telemetry } = await startDashboard(t)
    const ids = await exportLinkedTraces(new Exporter({ url: `${url}/v1/traces` }), 'baker')
    assert.equal(telemetry.spanStore?.size(), 3)

    const found = await (await fetch(`${url}/api/traces?attribute=bakery.order_key=k1&error=true`)).json()
    assert.deepEqual(
      found.traces.map((s: { traceId: string }) => s.traceId),
      [ids.consumerTrace],
    )
    assert.deepEqual(await (await fetch(`${url}/api/traces/names`)).json(), {
      services: ['baker'],
      names: ['POST /orders', 'publish-order', 'receive-order'],
    })
    const consumer = await (await fetch(`${url}/api/traces/${ids.consumerTrace}`)).json()
    const receive = consumer.spans[0]
    assert.equal(receive.name, 'receive-order')
    assert.equal(receive.kind, 'consumer')
    assert.equal(receive.service, 'baker')
    assert.equal(receive.status, 'error')
    assert.equal(receive.statusMessage, 'burnt')
    assert.deepEqual(receive.attributes, {
      'bakery.order_key': 'k1',
      'queue.time_on_queue_ms': 12,
      list: ['a', 'b'],
      ratio: 0.5,
    })
    assert.equal(receive.links[0].traceId, ids.producerTrace)

    const producer = await (await fetch(`${url}/api/traces/${ids.producerTrace}`)).json()
    const publish = producer.spans.find((s: { name: string }) => s.name === 'publish-order')
    assert.equal(publish.kind, 'producer')
    assert.equal(publish.attributes['queue.publish.success'], true)
    assert.equal(publish.events[0].name, 'published')
    assert.equal(publish.events[0].attributes.attempt, 1)
    assert.equal(
      publish.parentSpanId,
      producer.spans.find((s: { name: string }) => s.name === 'POST /orders').spanId,
    )
    assert.deepEqual(producer.linkedFrom, [
      {
        traceId: ids.consumerTrace,
        spanId: receive.spanId,
        name: 'receive-order',
        service: 'baker',
        targetSpanId: publish.spanId,
      },
    ])
  })
}

test('dashboard OTLP receiver accepts gzip and rejects bad bodies with 4xx when the input is wrong', async (t) => {
  const { url, telemetry } = await startDashboard(t)
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'albums' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: '/albums GET',
                kind: 'SPAN_KIND_SERVER',
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: '1700000000250000000',
                attributes: [{ key: 'album-store.response.code', value: { intValue: '200' } }],
              },
            ],
          },
        ],
      },
    ],
  }
  const gz = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(JSON.stringify(body)),
  })
  assert.equal(gz.status, 200)
  const [span] = telemetry.spanStore?.getTrace('0af7651916cd43dd8448eb211c80319c') ?? []
  assert.equal(span?.durationMs, 250)
  assert.equal(span?.kind, 'server')
  assert.equal(span?.attributes['album-store.response.code'], 200)

  const cases: [string, Record<string, string>, BodyInit, number][] = [
    ['text', { 'content-type': 'text/plain' }, 'hello', 415],
    ['bad json', { 'content-type': 'application/json' }, '{', 400],
    [
      'bad id',
      { 'content-type': 'application/json' },
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'x', spanId: 'y' }] }] }] }),
      400,
    ],
    ['bad protobuf', { 'content-type': 'application/x-protobuf' }, new Uint8Array([0x0a, 0xff]), 400],
    ['bad gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'nope', 400],
  ]
  for (const [label, headers, payload, status] of cases) {
    const res = await fetch(`${url}/v1/traces`, { method: 'POST', headers, body: payload })
    assert.equal(res.status, status, label)
    assert.match((await res.json()).code, /^BKR_/, label)
  }
  assert.equal(telemetry.spanStore?.size(), 1)
})

test('dashboard trace API answers 400 for a malformed id and 404 for an unknown trace', async (t) => {
  const { url } = await startDashboard(t)
  assert.equal((await fetch(`${url}/api/traces/nope`)).status, 400)
  assert.equal((await fetch(`${url}/api/traces/${'a'.repeat(32)}`)).status, 404)
  assert.equal((await fetch(`${url}/api/traces?limit=0`)).status, 400)
  assert.equal((await fetch(`${url}/api/traces?attribute=novalue`)).status, 400)
})

test('dashboard reports the external trace UI and turns the embedded viewer off when the store is off', async (t) => {
  const { url } = await startDashboard(t, {
    BAKERY_SPAN_STORE_SIZE: '0',
    BAKERY_TRACE_UI_URL: 'http://jaeger:16686/trace/{traceId}',
  })
  const info = await (await fetch(`${url}/api/info`)).json()
  assert.deepEqual(info.traces, {
    embedded: false,
    spans: 0,
    capacity: 0,
    externalUrl: 'http://jaeger:16686/trace/{traceId}',
    store: null,
  })
  assert.equal((await fetch(`${url}/api/traces`)).status, 404)
})

test('dashboard forwards panel calls to the service and answers 502 naming it when it is down', async (t) => {
  const telemetry = createTelemetry(loadConfig({}))
  const upstream = createHttpService({
    name: 'reception',
    host: '127.0.0.1',
    port: 0,
    log: createLogger({ level: 'silent', format: 'json' }),
    telemetry: telemetry.forService('reception'),
    bodyLimit: 1024,
    routes(app) {
      app.post('/orders', async (request, reply) =>
        reply
          .code(202)
          .header('location', '/orders/1')
          .send({ echo: request.body, auth: request.headers.authorization }),
      )
    },
  })
  await upstream.start()
  t.after(() => upstream.stop())
  const { url, auth } = await startDashboard(t, {}, { upstreams: { reception: upstream.url() } })
  const res = await fetch(`${url}/api/svc/reception/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ customer: 'homer', pastry: 'la bombe' }),
  })
  assert.equal(res.status, 202)
  assert.equal(res.headers.get('location'), '/orders/1')
  // The dashboard's token stays with the dashboard: a panel call does not carry it on.
  assert.deepEqual(await res.json(), { echo: { customer: 'homer', pastry: 'la bombe' } })

  const info = await (await fetch(`${url}/api/info`)).json()
  assert.equal(info.panels.reception, true)
  assert.equal(info.panels.dashboard, undefined)
  const unknown = await fetch(`${url}/api/svc/nothing/x`)
  assert.equal(unknown.status, 404)
  const { url: downUrl } = await startDashboard(t, {}, { upstreams: { reception: 'http://127.0.0.1:1' } })
  const down = await fetch(`${downUrl}/api/svc/reception/orders/x`)
  assert.equal(down.status, 502)
  assert.match((await down.json()).message, /reception at http:\/\/127\.0\.0\.1:1 is not reachable/)
})

test('dashboard serves the web app for client routes and a hint when it is not built', async (t) => {
  const { url } = await startDashboard(t, {}, { webDist: '/nonexistent/dist' })
  const page = await fetch(`${url}/traces`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /npm run build:web/)
  assert.equal((await fetch(`${url}/api/nothing`)).status, 404)
  assert.equal((await fetch(`${url}/assets/missing.js`)).status, 404)
  assert.equal((await fetch(`${url}/..%2f..%2fetc%2fpasswd`)).status, 200)
  assert.doesNotMatch(await (await fetch(`${url}/..%2f..%2fetc%2fpasswd`)).text(), /root:/)
})

test('dashboard order flow counts accepted, baking, finished and waiting orders from the bakery spans', async (t) => {
  const { url, telemetry } = await startDashboard(t)
  const tracer = telemetry.forService('reception').tracer
  const baker = telemetry.forService('baker').tracer
  for (let i = 0; i < 3; i++) {
    const publish = tracer.startSpan('publish-order', {
      kind: SpanKind.PRODUCER,
      attributes: { 'bakery.order_key': `k${i}` },
    })
    publish.end()
    if (i === 2) continue // still on the queue
    const receive = baker.startSpan('receive-order', {
      root: true,
      links: [{ context: publish.spanContext() }],
      attributes: { 'bakery.order_key': `k${i}`, 'queue.time_on_queue_ms': 10 * (i + 1) },
    })
    receive.end()
    const processing = baker.startSpan('processing-order', {
      attributes: { 'baker.time_to_completion_ms': 100 },
    })
    processing.end()
  }
  const flow = await (await fetch(`${url}/api/order-flow`)).json()
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
  assert.equal(flow.seconds.length, 60)
  assert.equal(sum(flow.accepted), 3)
  assert.equal(sum(flow.baking), 2)
  assert.equal(sum(flow.finished), 2)
  assert.equal(flow.waiting, 1)
  assert.deepEqual(flow.timeOnQueueMs, { count: 2, p50: 10, p90: 20, p99: 20, max: 20 })
  assert.equal(flow.completionMs.p99, 100)
})
