import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { test } from 'node:test'
import { BakeryError, ErrorCode } from '../../errors.ts'
import type { StoredSpan } from '../span-store.ts'
import { limitStoreBytes, openTelemetryStore } from './telemetry-store.ts'

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-telemetry-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function span(overrides: Partial<StoredSpan> = {}): StoredSpan {
  return {
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: undefined,
    name: 'POST /orders',
    kind: 'server',
    service: 'reception',
    startTimeMs: Date.now(),
    durationMs: 3.25,
    status: 'ok',
    statusMessage: undefined,
    attributes: { 'bakery.order_key': hex(16), 'http.response.status_code': 202 },
    events: [],
    links: [],
    ...overrides,
  }
}

test('telemetry store keeps spans, links and logs across a reopen of its file', (t) => {
  const path = join(tempDir(t), 'store.sqlite')
  const first = openTelemetryStore({ location: path })
  const producer = span()
  const consumer = span({
    name: 'receive-order',
    service: 'baker',
    parentSpanId: undefined,
    links: [{ traceId: producer.traceId, spanId: producer.spanId, attributes: {} }],
  })
  first.spans.add(producer)
  first.spans.add(consumer)
  const orderKey = String(producer.attributes['bakery.order_key'])
  first.addLog({
    timeUs: Date.now() * 1000,
    level: 30,
    service: 'reception',
    message: 'order accepted',
    traceId: producer.traceId,
    spanId: producer.spanId,
    orderKey,
    attributes: { order_key: orderKey },
  })
  first.close()

  const second = openTelemetryStore({ location: path })
  t.after(() => second.close())
  assert.equal(second.runs().length, 2, 'every open is a run')
  assert.deepEqual(
    second.spans.getTrace(producer.traceId).map((s) => s.spanId),
    [producer.spanId],
  )
  assert.deepEqual(
    second.spans.findLinksTo(producer.traceId).map((s) => s.spanId),
    [consumer.spanId],
  )
  assert.deepEqual(second.spanQueries.tracesOfOrder(orderKey, 10), [producer.traceId])
  const logs = second.logs.search({ text: 'ACCEPTED' })
  assert.equal(logs.length, 1)
  assert.equal(logs[0]?.orderKey, orderKey)
  assert.equal(logs[0]?.level, 'info')
  assert.equal(second.logs.search({ level: 'warn' }).length, 0)
  const found = second.spans.search({ attribute: { key: 'bakery.order_key', value: orderKey } })
  assert.deepEqual(
    found.map((s) => s.traceId),
    [producer.traceId],
  )
})

test('telemetry store cuts attribute values, attributes, events, links and spans per trace, and counts the cuts', (t) => {
  const store = openTelemetryStore({
    location: 'memory:',
    caps: {
      attributeValueLength: 100,
      attributesPerSpan: 3,
      eventsPerSpan: 2,
      linksPerSpan: 1,
      spansPerTrace: 2,
    },
  })
  t.after(() => store.close())
  const traceId = hex(16)
  const big = span({
    traceId,
    attributes: { a: 'x'.repeat(60_000_000 / 1000), b: 1, c: 2, d: 3, e: 4 },
    events: [1, 2, 3, 4].map((i) => ({ name: `e${i}`, timeMs: Date.now(), attributes: {} })),
    links: [1, 2, 3].map(() => ({ traceId: hex(16), spanId: hex(8), attributes: {} })),
  })
  store.spans.add(big)
  store.spans.add(span({ traceId }))
  store.spans.add(span({ traceId }))
  const [kept] = store.spans.getTrace(traceId).filter((s) => s.spanId === big.spanId)
  assert.ok(kept)
  assert.equal(String(kept.attributes.a).length, 100)
  assert.deepEqual(Object.keys(kept.attributes), ['a', 'b', 'c'])
  assert.equal(kept.events.length, 2)
  assert.equal(kept.links.length, 1)
  assert.equal(store.spans.getTrace(traceId).length, 2)
  const { cut } = store.stats()
  assert.deepEqual(
    { ...cut },
    {
      attributeValuesTruncated: 1,
      attributesDropped: 2,
      eventsDropped: 2,
      linksDropped: 2,
      spansDropped: 1,
      logValuesTruncated: 0,
    },
  )
})

test('telemetry store keeps only the newest runs', (t) => {
  const path = join(tempDir(t), 'runs.sqlite')
  const traces: string[] = []
  for (let i = 0; i < 4; i++) {
    const store = openTelemetryStore({ location: path, runs: 2 })
    const s = span()
    traces.push(s.traceId)
    store.spans.add(s)
    store.close()
  }
  const store = openTelemetryStore({ location: path, runs: 2, live: false })
  t.after(() => store.close())
  assert.deepEqual(
    store.runs().map((r) => r.id),
    [4, 3],
  )
  assert.equal(store.spans.getTrace(traces[0] as string).length, 0)
  assert.equal(store.spans.getTrace(traces[1] as string).length, 0)
  assert.equal(store.spans.getTrace(traces[3] as string).length, 1)
})

test('telemetry store prunes the oldest data to stay under its size budget and keeps the newest traces', (t) => {
  const path = join(tempDir(t), 'budget.sqlite')
  const budgetBytes = 2 * 1024 * 1024
  const store = openTelemetryStore({ location: path, budgetBytes, keepTraces: 5, pruneCheckMs: 0 })
  t.after(() => store.close())
  const payload = 'p'.repeat(1500)
  const first = span()
  store.spans.add(first)
  let last: StoredSpan = first
  for (let i = 0; i < 8000; i++) {
    last = span({ attributes: { payload, i } })
    store.spans.add(last)
    if (i % 500 === 0) store.flush()
  }
  store.flush()
  const stats = store.stats()
  assert.ok(stats.pruned.spansPruned > 0, 'something was pruned')
  assert.ok(stats.fileBytes <= budgetBytes, `file ${stats.fileBytes} B stays within ${budgetBytes} B`)
  assert.equal(store.spans.getTrace(first.traceId).length, 0, 'the oldest trace is gone')
  assert.equal(store.spans.getTrace(last.traceId).length, 1, 'the newest trace is kept')
})

test('telemetry store refuses a foreign SQLite file and a corrupt file, naming the path, and leaves them untouched', (t) => {
  const dir = tempDir(t)
  const foreign = join(dir, 'foreign.sqlite')
  const db = new DatabaseSync(foreign)
  db.exec(
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ann')",
  )
  db.close()
  const before = readFileSync(foreign)
  assert.throws(
    () => openTelemetryStore({ location: foreign }),
    (error: unknown) =>
      error instanceof BakeryError &&
      error.code === ErrorCode.TELEMETRY_STORE_UNREADABLE &&
      error.message.includes(foreign) &&
      error.message.includes('another program') &&
      error.message.includes('BAKERY_TELEMETRY_STORE'),
  )
  assert.deepEqual(readFileSync(foreign), before)

  const corrupt = join(dir, 'corrupt.sqlite')
  writeFileSync(corrupt, randomBytes(64 * 1024))
  const garbage = readFileSync(corrupt)
  assert.throws(
    () => openTelemetryStore({ location: corrupt }),
    (error: unknown) =>
      error instanceof BakeryError &&
      error.code === ErrorCode.TELEMETRY_STORE_UNREADABLE &&
      error.message.includes(corrupt) &&
      error.message.includes('move or delete'),
  )
  assert.deepEqual(readFileSync(corrupt), garbage)
})

test('telemetry store drops and counts writes when its disk is full, and adding never throws', (t) => {
  const path = join(tempDir(t), 'full.sqlite')
  const store = openTelemetryStore({ location: path, budgetBytes: 64 * 1024 * 1024 })
  t.after(() => store.close())
  store.spans.add(span())
  store.flush()
  // The file may not grow by even one page: every further batch fails like on a full disk.
  limitStoreBytes(store, store.stats().fileBytes)
  const payload = 'f'.repeat(3000)
  for (let i = 0; i < 500; i++) store.spans.add(span({ attributes: { payload } }))
  for (let i = 0; i < 50; i++) {
    store.addLog({ timeUs: Date.now() * 1000, level: 30, service: 'x', message: payload, attributes: {} })
  }
  assert.doesNotThrow(() => store.flush())
  const { writes } = store.stats()
  assert.equal(writes.spansDropped, 500)
  assert.equal(writes.logsDropped, 50)
  assert.ok(writes.failedBatches >= 1)
  assert.match(String(writes.lastError), /full/i)
  assert.equal(store.spans.search({}).length, 1, 'what was committed before is still readable')
})
