import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createSpanStore, type StoredSpan } from '../platform/telemetry/index.ts'
import { listTraces } from './trace-query.ts'

function span(traceId: string, spanId: string, fields: Partial<StoredSpan>): StoredSpan {
  return {
    traceId: traceId.padEnd(32, '0'),
    spanId: spanId.padEnd(16, '0'),
    parentSpanId: undefined,
    name: 'span',
    kind: 'internal',
    service: 'reception',
    startTimeMs: 0,
    durationMs: 1,
    status: 'unset',
    statusMessage: undefined,
    attributes: {},
    events: [],
    links: [],
    ...fields,
  }
}

function storeWithTraces() {
  const store = createSpanStore(100)
  // An order started at 1000 and ended last: it was added after the later-started poll.
  store.add(
    span('b', '1', {
      name: 'SELECT coffee.outbox',
      kind: 'client',
      service: 'coffee-reception',
      startTimeMs: 2000,
    }),
  )
  store.add(span('c', '1', { name: 'GET /orders/:key', kind: 'server', startTimeMs: 1500 }))
  store.add(
    span('a', '2', {
      name: 'publish-order',
      kind: 'producer',
      parentSpanId: '1'.padEnd(16, '0'),
      startTimeMs: 1001,
    }),
  )
  store.add(span('a', '1', { name: 'POST /orders', kind: 'server', startTimeMs: 1000, durationMs: 5000 }))
  store.add(
    span('d', '1', {
      name: 'orders.ready process',
      kind: 'consumer',
      service: 'coffee-reception',
      startTimeMs: 3000,
    }),
  )
  store.add(
    span('d', '2', {
      name: 'UPDATE coffee.orders',
      kind: 'client',
      service: 'coffee-reception',
      parentSpanId: '1'.padEnd(16, '0'),
      startTimeMs: 3001,
    }),
  )
  return store
}

const roots = (traces: { rootName: string }[]) => traces.map((t) => t.rootName)

test('listTraces sorts by start time, newest first, and hides single-span internal traces by default', () => {
  assert.deepEqual(roots(listTraces(storeWithTraces(), {})), [
    'orders.ready process',
    'GET /orders/:key',
    'POST /orders',
  ])
})

test('listTraces shows single-span internal traces when asked', () => {
  assert.deepEqual(roots(listTraces(storeWithTraces(), { singleSpan: true })), [
    'orders.ready process',
    'SELECT coffee.outbox',
    'GET /orders/:key',
    'POST /orders',
  ])
})

test('listTraces filters by root span name and by service', () => {
  const store = storeWithTraces()
  assert.deepEqual(roots(listTraces(store, { root: 'POST' })), ['POST /orders'])
  assert.deepEqual(roots(listTraces(store, { service: 'coffee-reception' })), ['orders.ready process'])
  // "publish-order" is a span of the order's trace, not its root.
  assert.deepEqual(roots(listTraces(store, { root: 'publish-order' })), [])
  assert.deepEqual(roots(listTraces(store, { name: 'publish-order' })), ['POST /orders'])
})

test('listTraces returns at most limit traces, the newest by start', () => {
  assert.deepEqual(roots(listTraces(storeWithTraces(), { limit: 1, singleSpan: true })), [
    'orders.ready process',
  ])
})
