import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { OTLPLogExporter as GrpcExporter } from '@opentelemetry/exporter-logs-otlp-grpc'
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { LoggerProvider, type LogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs'
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { startDashboard } from '../../test/support/dashboard.ts'
import { pinoLevel } from './otlp-logs.ts'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

interface LogLine {
  message: string
  level: string
  service: string
  traceId: string | null
  spanId: string | null
  orderKey: string | null
  attributes: Record<string, unknown>
}

/** Two log records of a "baker" process, one inside a span and naming an order. */
async function exportLogs(exporter: LogRecordExporter, orderKey: string): Promise<void> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'baker', 'service.instance.id': 'pod-7' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  })
  const logger = provider.getLogger('bakery')
  const inSpan = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE,
    spanId: SPAN,
    traceFlags: TraceFlags.SAMPLED,
  })
  logger.emit({
    timestamp: Date.now(),
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'order baked',
    attributes: { order_key: orderKey, loaves: 3 },
    context: inSpan,
  })
  logger.emit({ severityNumber: SeverityNumber.WARN, body: { oven: 'hot' }, attributes: { retry: true } })
  await provider.forceFlush()
  await provider.shutdown()
}

async function logsOf(url: string, query: string): Promise<LogLine[]> {
  const res = await fetch(`${url}/api/logs?${query}`)
  assert.equal(res.status, 200)
  return ((await res.json()) as { logs: LogLine[] }).logs
}

for (const [protocol, make] of [
  ['http/protobuf', (url: string) => new ProtoExporter({ url: `${url}/v1/logs` })],
  ['http/json', (url: string) => new JsonExporter({ url: `${url}/v1/logs` })],
  ['grpc', (_url: string, grpcPort: number) => new GrpcExporter({ url: `http://127.0.0.1:${grpcPort}` })],
] as const) {
  test(`dashboard OTLP receiver keeps the log records a process exports over ${protocol}`, async (t) => {
    const { url, service } = await startDashboard(t, { BAKERY_TELEMETRY_STORE: 'memory:' })
    const orderKey = `order-${protocol.replace('/', '-')}`
    const grpcPort = (service as unknown as { otlpGrpcPort(): number }).otlpGrpcPort()
    await exportLogs(make(url, grpcPort), orderKey)

    const logs = await logsOf(url, 'service=baker')
    assert.equal(logs.length, 2)
    const baked = logs.find((l) => l.message === 'order baked')
    assert.equal(baked?.level, 'info')
    assert.equal(baked?.traceId, TRACE)
    assert.equal(baked?.spanId, SPAN)
    assert.equal(baked?.orderKey, orderKey)
    assert.equal(baked?.attributes.loaves, 3)
    const warned = logs.find((l) => l.level === 'warn')
    assert.equal(warned?.message, '{"oven":"hot"}')
    assert.equal(warned?.traceId, null)
    assert.equal(warned?.orderKey, null)

    const signals = (await (await fetch(`${url}/api/orders/${orderKey}/signals`)).json()) as {
      logs: LogLine[]
    }
    assert.deepEqual(
      signals.logs.map((l) => l.message),
      ['order baked'],
    )
  })
}

test('dashboard OTLP log receiver: gzip, and 4xx for every bad body; nothing of a bad request is kept', async (t) => {
  const { url } = await startDashboard(t, { BAKERY_TELEMETRY_STORE: 'memory:' })
  const record = (extra: Record<string, unknown>) => ({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'albums' } }] },
        scopeLogs: [
          {
            logRecords: [
              { timeUnixNano: '1700000000000000000', severityNumber: 17, body: { stringValue: 'ok' } },
              extra,
            ],
          },
        ],
      },
    ],
  })
  const gz = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(
      JSON.stringify(record({ severityText: 'warning', body: { stringValue: 'second' }, traceId: 'zz' })),
    ),
  })
  assert.equal(gz.status, 200)
  const kept = await logsOf(url, 'service=albums')
  assert.deepEqual(kept.map((l) => [l.message, l.level, l.traceId]).sort(), [
    ['ok', 'error', null],
    ['second', 'warn', null],
  ])
  assert.equal(kept.find((l) => l.message === 'ok')?.service, 'albums')

  let deep: Record<string, unknown> = { stringValue: 'leaf' }
  for (let i = 0; i < 50; i++) deep = { kvlistValue: { values: [{ key: 'k', value: deep }] } }
  const cases: [string, Record<string, string>, BodyInit, number][] = [
    ['text', { 'content-type': 'text/plain' }, 'hello', 415],
    ['bad json', { 'content-type': 'application/json' }, '{', 400],
    ['not an object', { 'content-type': 'application/json' }, '"logs"', 400],
    ['too deep', { 'content-type': 'application/json' }, JSON.stringify(record({ body: deep })), 400],
    ['bad protobuf', { 'content-type': 'application/x-protobuf' }, new Uint8Array([0x0a, 0xff]), 400],
    ['bad gzip', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'nope', 400],
    [
      'gzip bomb',
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20)),
      413,
    ],
  ]
  for (const [label, headers, payload, status] of cases) {
    const res = await fetch(`${url}/v1/logs`, { method: 'POST', headers, body: payload })
    assert.equal(res.status, status, label)
    assert.match((await res.json()).code, /^BKR_/, label)
  }
  assert.equal((await logsOf(url, 'service=albums')).length, 2)
})

test('OTLP severities map to pino levels; unknown ones are info', () => {
  assert.deepEqual(
    [1, 5, 9, 12, 13, 17, 21, 24].map((n) => pinoLevel(n, '')),
    [10, 20, 30, 30, 40, 50, 60, 60],
  )
  assert.equal(pinoLevel(0, 'ERROR'), 50)
  assert.equal(pinoLevel(0, 'Warning'), 40)
  assert.equal(pinoLevel(0, 'loud'), 30)
  assert.equal(pinoLevel(99, ''), 30)
})

test('spans received over OTLP keep their full resource, capped, and the trace API returns it', async (t) => {
  const { url } = await startDashboard(t, { BAKERY_TELEMETRY_STORE: 'memory:' })
  const attributes: Record<string, string> = {
    'service.name': 'coffee-barista',
    'k8s.pod.name': 'barista-7d9f',
    'deployment.environment.name': 'staging',
    'host.description': 'x'.repeat(10_000),
  }
  for (let i = 0; i < 200; i++) attributes[`extra.${i}`] = String(i)
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(attributes),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }))],
  })
  const span = provider.getTracer('test').startSpan('brew')
  span.end()
  await provider.forceFlush()
  await provider.shutdown()
  const { traceId } = span.spanContext()
  const detail = (await (await fetch(`${url}/api/traces/${traceId}`)).json()) as {
    spans: { service: string; resource: Record<string, string> }[]
  }
  const resource = detail.spans[0]?.resource ?? {}
  assert.equal(detail.spans[0]?.service, 'coffee-barista')
  assert.equal(resource['k8s.pod.name'], 'barista-7d9f')
  assert.equal(resource['deployment.environment.name'], 'staging')
  assert.equal(resource['host.description']?.length, 4096)
  assert.equal(Object.keys(resource).length, 128)
})
