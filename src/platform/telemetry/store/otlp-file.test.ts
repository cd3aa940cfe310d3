import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { test } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { BakeryError, ErrorCode } from '../../errors.ts'
import { exportRun } from './otlp-export.ts'
import { importRun } from './otlp-import.ts'
import { openTelemetryStore, type TelemetryStore } from './telemetry-store.ts'

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

function fill(store: TelemetryStore): { traceId: string; orderKey: string } {
  const orderKey = hex(16)
  const traceId = hex(16)
  const root = hex(8)
  const resource = { 'service.name': 'reception', 'service.instance.id': hex(4), 'process.pid': 42 }
  store.spans.add({
    traceId,
    spanId: root,
    parentSpanId: undefined,
    name: 'POST /orders',
    kind: 'server',
    service: 'reception',
    startTimeMs: 1_765_000_000_000.123,
    durationMs: 12.5,
    status: 'ok',
    statusMessage: undefined,
    attributes: { 'bakery.order_key': orderKey, count: 3, ratio: 0.25, ok: true, list: ['a', 2, false] },
    events: [{ name: 'accepted', timeMs: 1_765_000_000_001.5, attributes: { n: 1 } }],
    links: [],
    resource,
  })
  store.spans.add({
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: undefined,
    name: 'receive-order',
    kind: 'consumer',
    service: 'baker',
    startTimeMs: 1_765_000_000_020,
    durationMs: 100,
    status: 'error',
    statusMessage: 'oven on fire',
    attributes: { 'baker.order_key': orderKey },
    events: [],
    links: [{ traceId, spanId: root, attributes: { 'messaging.operation': 'receive' } }],
  })
  store.addLog({
    timeUs: 1_765_000_000_002_000,
    level: 40,
    service: 'reception',
    message: 'order accepted',
    traceId,
    spanId: root,
    orderKey,
    attributes: { order_key: orderKey, pastry: 'croissant' },
  })
  store.addMetricSnapshot({
    timeUs: 1_765_000_000_500_000,
    resource,
    metrics: [
      {
        name: 'bakery.order.time_on_queue',
        unit: 'ms',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              attributes: [],
              count: 1,
              sum: 7,
              bucketCounts: [0, 1],
              explicitBounds: [5],
              exemplars: [
                {
                  filteredAttributes: [{ key: 'bakery.order_key', value: { stringValue: orderKey } }],
                  timeUnixNano: '1765000000400000000',
                  asDouble: 7,
                  spanId: root,
                  traceId,
                },
              ],
            },
          ],
        },
      },
    ],
    exemplars: [
      {
        timeUs: 1_765_000_000_400_000,
        metric: 'bakery.order.time_on_queue',
        value: 7,
        traceId,
        spanId: root,
        orderKey,
      },
    ],
  })
  return { traceId, orderKey }
}

test('telemetry export → import → export gives byte-identical files with traces, logs and metrics', async (t) => {
  const store = openTelemetryStore({ location: 'memory:' })
  t.after(() => store.close())
  const { traceId, orderKey } = fill(store)
  const first = await buffer(exportRun(store, store.run as number))
  const lines = gunzipSync(first)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.deepEqual(
    lines.map((l) => Object.keys(l)[0]),
    ['resourceSpans', 'resourceSpans', 'resourceLogs', 'resourceMetrics'],
  )
  const imported = await importRun(store, Readable.from([first]), 'shared.gz', 1e9)
  assert.notEqual(imported, store.run)
  const run = store.getRun(imported)
  assert.deepEqual([run?.source, run?.spans, run?.logs, run?.snapshots], ['import', 2, 1, 1])
  const second = await buffer(exportRun(store, imported))
  assert.ok(first.equals(second), 'the re-export is byte-identical')
  // The imported run is readable like a live one.
  assert.equal(store.spans.search({ run: imported }).length, 2)
  assert.equal(store.logs.search({ run: imported, orderKey }).length, 1)
  assert.equal(store.exemplarsOfOrder(orderKey).filter((e) => e.run === imported).length, 1)
  assert.equal(store.spans.getTrace(traceId).length, 1, 'the copy of a span shows once')
})

test('telemetry import refuses a file that is not gzip or not OTLP JSON and keeps no partial run', async (t) => {
  const store = openTelemetryStore({ location: 'memory:' })
  t.after(() => store.close())
  const runs = store.runs().length
  const invalid = (error: unknown) =>
    error instanceof BakeryError && error.code === ErrorCode.TELEMETRY_IMPORT_INVALID
  await assert.rejects(importRun(store, Readable.from([Buffer.from('plain text')]), 'x', 1e9), invalid)
  const good = JSON.stringify({ resourceLogs: [] })
  await assert.rejects(
    importRun(store, Readable.from([gzipSync(`${good}\n{not json\n`)]), 'x', 1e9),
    (error: unknown) => invalid(error) && (error as Error).message.includes('line 2'),
  )
  await assert.rejects(
    importRun(store, Readable.from([gzipSync(`${'x'.repeat(2000)}\n`)]), 'x', 1000),
    (error: unknown) => invalid(error) && (error as Error).message.includes('inflates'),
  )
  assert.equal(store.runs().length, runs)
})
