// OTEL_PROPAGATORS=b3 / b3multi across a coffee order: a caller's B3 context continues in the
// reception's request span, travels to payments over HTTP and to the barista in the order.Created
// message headers, as the coffee seed propagated it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createBarista } from '../../src/coffee/barista/index.ts'
import { createPayments } from '../../src/coffee/payments/index.ts'
import { createCoffeeReception } from '../../src/coffee/reception/index.ts'
import { loadConfig } from '../../src/config.ts'
import { injectTraceContext, usePropagators } from '../../src/platform/telemetry/index.ts'
import { freePort, testProcess } from '../support/service-deps.ts'

const TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7'
const SPAN_ID = 'e457b5a2e4d86bd1'

for (const [format, headers] of [
  ['b3', { b3: `${TRACE_ID}-${SPAN_ID}-1` }],
  ['b3multi', { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': SPAN_ID, 'x-b3-sampled': '1' }],
] as const) {
  test(`coffee order carries a ${format} trace context from the caller through payments to the barista`, async (t) => {
    const exporter = new InMemorySpanExporter()
    const paymentsPort = await freePort()
    const proc = testProcess(
      t,
      {
        OTEL_PROPAGATORS: format,
        BAKE_TIME_SCALE: '0.001',
        BAKERY_PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
        BAKERY_OUTBOX_POLL_MS: '200',
        BAKERY_MAX_EVENT_LOOP_DELAY_MS: '0',
      },
      { spanProcessors: [new SimpleSpanProcessor(exporter)] },
    )
    t.after(() => usePropagators(['tracecontext', 'baggage']))
    const reception = createCoffeeReception(proc.deps('coffee-reception'))
    await proc.start(
      createPayments(proc.deps('payments', paymentsPort)),
      reception,
      createBarista(proc.deps('barista')),
    )
    const ordered = await fetch(`${reception.url()}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'B3', items: [{ type: 'espresso', size: 'small' }] }),
    })
    assert.equal(ordered.status, 201)
    const location = ordered.headers.get('location') ?? ''
    const deadline = Date.now() + 30_000
    let status = ''
    while (status !== 'ready' && Date.now() < deadline) {
      status = ((await (await fetch(`${reception.url()}${location}`)).json()) as { status: string }).status
      if (status !== 'ready') await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.equal(status, 'ready')

    const spans = exporter.getFinishedSpans()
    const inTrace = (s: ReadableSpan) => s.spanContext().traceId === TRACE_ID
    const server = (service: string) =>
      spans.find((s) => inTrace(s) && s.resource.attributes['service.name'] === service && s.kind === 1)
    const request = server('coffee-reception')
    assert.ok(request, 'the reception continued the caller trace')
    assert.equal(request.parentSpanContext?.spanId, SPAN_ID)
    assert.ok(server('payments'), 'payments continued it over HTTP')
    const brewing = spans.find((s) => s.name === 'orders_barista process')
    assert.ok(
      brewing?.links.some((l) => l.context.traceId === TRACE_ID),
      'the barista linked to it via the message',
    )
  })
}

test('OTEL_PROPAGATORS with b3 injects only B3 headers, and an unknown value is a config error naming the valid ones', () => {
  usePropagators(['b3multi'])
  try {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 })
    const headers = injectTraceContext({}, parent)
    assert.equal(headers['x-b3-traceid'], TRACE_ID)
    assert.equal(headers.traceparent, undefined)
  } finally {
    usePropagators(['tracecontext', 'baggage'])
  }
  assert.throws(
    () => loadConfig({ OTEL_PROPAGATORS: 'tracecontext,jaeger' }),
    (error: Error) =>
      /OTEL_PROPAGATORS/.test(error.message) &&
      /tracecontext, baggage, b3, b3multi, none/.test(error.message),
  )
})
