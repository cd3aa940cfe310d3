import assert from 'node:assert/strict'
import { test } from 'node:test'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import {
  extractTraceContext,
  injectTraceContext,
  startConsumerSpan,
  withLeafSpan,
  withSpan,
} from './propagation.ts'
import { createTelemetry } from './telemetry.ts'

function setup() {
  const exporter = new InMemorySpanExporter()
  const telemetry = createTelemetry(loadConfig({}), { spanProcessors: [new SimpleSpanProcessor(exporter)] })
  return { exporter, telemetry }
}

test('trace context travels through message headers, including Buffer-valued ones', () => {
  const { telemetry } = setup()
  const { tracer } = telemetry.forService('reception')
  const span = tracer.startSpan('publish-order', { kind: SpanKind.PRODUCER })
  const headers = injectTraceContext({}, trace.setSpan(context.active(), span))
  span.end()
  assert.match(String(headers.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)

  for (const carrier of [headers, { traceparent: Buffer.from(String(headers.traceparent)) }]) {
    const extracted = trace.getSpanContext(extractTraceContext(carrier))
    assert.equal(extracted?.traceId, span.spanContext().traceId)
    assert.equal(extracted?.spanId, span.spanContext().spanId)
    assert.equal(extracted?.isRemote, true)
  }
  assert.equal(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' })), undefined)
})

test('a consumer span starts a new trace linked to the producer span', async () => {
  const { exporter, telemetry } = setup()
  const reception = telemetry.forService('reception').tracer
  const baker = telemetry.forService('baker').tracer

  const headers = await withSpan(reception, 'publish-order', { kind: SpanKind.PRODUCER }, async () =>
    injectTraceContext({}),
  )
  const consumer = startConsumerSpan(baker, 'receive-order', headers, {
    attributes: { 'bakery.order_key': 'k1' },
  })
  // Work inside the consumer span is its child.
  await withSpan(baker, 'processing-order', {}, async () => {}, trace.setSpan(context.active(), consumer))
  consumer.end()

  const spans = exporter.getFinishedSpans()
  const producer = spans.find((s) => s.name === 'publish-order')
  const receive = spans.find((s) => s.name === 'receive-order')
  const processing = spans.find((s) => s.name === 'processing-order')
  assert.ok(producer && receive && processing)
  assert.notEqual(receive.spanContext().traceId, producer.spanContext().traceId, 'a new trace')
  assert.equal(receive.parentSpanContext, undefined)
  assert.equal(receive.kind, SpanKind.CONSUMER)
  assert.equal(receive.links.length, 1)
  assert.equal(receive.links[0]?.context.traceId, producer.spanContext().traceId)
  assert.equal(receive.links[0]?.context.spanId, producer.spanContext().spanId)
  assert.equal(receive.attributes['bakery.order_key'], 'k1')
  assert.equal(receive.resource.attributes['service.name'], 'baker')
  assert.equal(producer.resource.attributes['service.name'], 'reception')
  assert.equal(processing.parentSpanContext?.spanId, receive.spanContext().spanId)
})

test('a consumer span without producer context has no link', () => {
  const { exporter, telemetry } = setup()
  startConsumerSpan(telemetry.forService('baker').tracer, 'receive-order', {}).end()
  assert.equal(exporter.getFinishedSpans()[0]?.links.length, 0)
})

test('withSpan records a thrown error on the span and rethrows it', async () => {
  const { exporter, telemetry } = setup()
  await assert.rejects(
    withSpan(telemetry.forService('x').tracer, 'fails', {}, async () => {
      throw new Error('oven on fire')
    }),
    /oven on fire/,
  )
  const [span] = exporter.getFinishedSpans()
  assert.equal(span?.status.code, 2)
  assert.equal(span?.status.message, 'oven on fire')
  assert.equal(span?.events[0]?.name, 'exception')
})

test('a leaf span is a child of the active span, stays inactive, and records a thrown error', async () => {
  const { exporter, telemetry } = setup()
  const { tracer } = telemetry.forService('baker')
  let activeInside: string | undefined
  await withSpan(tracer, 'processing-order', {}, async () => {
    await withLeafSpan(tracer, 'baking', {}, async () => {
      activeInside = trace.getActiveSpan()?.spanContext().spanId
    })
    await assert.rejects(
      withLeafSpan(tracer, 'UPDATE bakery.orders', {}, async () => {
        throw new Error('connection lost')
      }),
      /connection lost/,
    )
  })
  const spans = exporter.getFinishedSpans()
  const parent = spans.find((s) => s.name === 'processing-order')
  const baking = spans.find((s) => s.name === 'baking')
  const update = spans.find((s) => s.name === 'UPDATE bakery.orders')
  assert.ok(parent && baking && update)
  assert.equal(baking.parentSpanContext?.spanId, parent.spanContext().spanId)
  assert.equal(activeInside, parent.spanContext().spanId, 'the leaf is not made active')
  assert.equal(update.parentSpanContext?.spanId, parent.spanContext().spanId)
  assert.equal(update.status.code, 2)
  assert.equal(update.status.message, 'connection lost')
})
