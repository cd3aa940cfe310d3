import assert from 'node:assert/strict'
import { test } from 'node:test'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { loadPlatformConfig as loadConfig } from '../config/index.ts'
import { injectTraceContext, startConsumerSpan } from './propagation.ts'
import { createSpanStore, type StoredSpan } from './span-store.ts'
import { createTelemetry } from './telemetry.ts'

function span(traceId: string, spanId: string, extra: Partial<StoredSpan> = {}): StoredSpan {
  return {
    traceId,
    spanId,
    parentSpanId: undefined,
    name: 'op',
    kind: 'internal',
    service: 'svc',
    startTimeMs: 1000,
    durationMs: 5,
    status: 'unset',
    statusMessage: undefined,
    attributes: {},
    events: [],
    links: [],
    ...extra,
  }
}

test('span store keeps at most its capacity, evicting the oldest spans', () => {
  const store = createSpanStore(3)
  for (let i = 0; i < 5; i++) store.add(span(`t${i}`, `s${i}`))
  assert.equal(store.size(), 3)
  assert.deepEqual(store.getTrace('t0'), [])
  assert.deepEqual(store.getTrace('t1'), [])
  assert.equal(store.getTrace('t4').length, 1)
  assert.deepEqual(
    store.search({}).map((t) => t.traceId),
    ['t4', 't3', 't2'],
  )
})

test('span store searches by service, name, attribute, duration and error', () => {
  const store = createSpanStore(100)
  store.add(
    span('a', '1', { service: 'reception', name: 'POST /orders', attributes: { 'bakery.order_key': 'k1' } }),
  )
  store.add(span('a', '2', { parentSpanId: '1', service: 'reception', name: 'create-order', durationMs: 50 }))
  store.add(span('b', '3', { service: 'baker', name: 'receive-order', status: 'error' }))
  assert.deepEqual(
    store.search({ service: 'baker' }).map((t) => t.traceId),
    ['b'],
  )
  assert.deepEqual(
    store.search({ attribute: { key: 'bakery.order_key', value: 'k1' } }).map((t) => t.traceId),
    ['a'],
  )
  assert.deepEqual(
    store.search({ minDurationMs: 20 }).map((t) => t.traceId),
    ['a'],
  )
  assert.deepEqual(
    store.search({ error: true }).map((t) => t.traceId),
    ['b'],
  )
  const [summary] = store.search({ name: 'create' })
  assert.equal(summary?.rootName, 'POST /orders')
  assert.equal(summary?.spanCount, 2)
})

test('span store receives real spans and finds the consumer trace linking to a producer trace', () => {
  const telemetry = createTelemetry(loadConfig({ BAKERY_SPAN_STORE_SIZE: '50' }))
  const store = telemetry.spanStore
  assert.ok(store)
  const producer = telemetry
    .forService('reception')
    .tracer.startSpan('publish-order', { kind: SpanKind.PRODUCER })
  const headers = injectTraceContext({}, trace.setSpan(context.active(), producer))
  producer.end()
  startConsumerSpan(telemetry.forService('baker').tracer, 'receive-order', headers).end()

  const producerTrace = producer.spanContext().traceId
  const [stored] = store.getTrace(producerTrace)
  assert.equal(stored?.name, 'publish-order')
  assert.equal(stored?.kind, 'producer')
  assert.equal(stored?.service, 'reception')
  const linking = store.findLinksTo(producerTrace)
  assert.equal(linking.length, 1)
  assert.equal(linking[0]?.name, 'receive-order')
  assert.equal(linking[0]?.service, 'baker')
  assert.equal(linking[0]?.links[0]?.spanId, producer.spanContext().spanId)
})
