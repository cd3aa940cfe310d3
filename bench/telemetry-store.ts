// Benchmark (not a test): the telemetry store's write capacity and its size budget.
//   node bench/telemetry-store.ts [--spans 200000] [--budget-spans 1000000] [--budget-mb 256]
// 1. Write capacity: realistic spans (8 attributes, a resource) added and written in batches, one
//    transaction each, to a SQLite file; spans/s on the one core that runs it (CPU time too).
// 2. Budget: --budget-spans spans into a store with --budget-mb; the file size is measured
//    after every batch and at the end (the file and its write-ahead log).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { StoredSpan } from '../src/platform/telemetry/index.ts'
import { openTelemetryStore } from '../src/platform/telemetry/store/index.ts'

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '200000' },
    'budget-spans': { type: 'string', default: '1000000' },
    'budget-mb': { type: 'string', default: '256' },
  },
})

const resource = {
  'service.name': 'reception',
  'service.namespace': 'bakery',
  'service.instance.id': 'b1',
  'process.pid': 1,
}

function makeSpan(i: number, traceId: string): StoredSpan {
  return {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    parentSpanId: i % 5 === 0 ? undefined : randomBytes(8).toString('hex'),
    name: i % 5 === 0 ? 'POST /orders' : 'INSERT bakery.orders',
    kind: i % 5 === 0 ? 'server' : 'client',
    service: 'reception',
    startTimeMs: Date.now() + i / 1000,
    durationMs: 1.234,
    status: 'ok',
    statusMessage: undefined,
    attributes: {
      'bakery.order_key': traceId,
      'http.request.method': 'POST',
      'http.route': '/orders',
      'http.response.status_code': 202,
      'url.path': '/orders',
      'server.address': '127.0.0.1',
      'db.system.name': 'postgresql',
      'db.query.text': 'INSERT INTO orders (key, pastry, customer) VALUES ($1, $2, $3)',
    },
    events: [],
    links: [],
    resource,
  }
}

function fileBytes(path: string): number {
  let total = 0
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(`${path}${suffix}`).size
    } catch {}
  }
  return total
}

function writeCapacity(count: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-store-bench-'))
  const path = join(dir, 'store.sqlite')
  const store = openTelemetryStore({ location: path })
  // Spans are built before the clock starts: only adding and writing is measured.
  const spans = Array.from({ length: count }, (_, i) =>
    makeSpan(i, i % 5 === 0 ? randomBytes(16).toString('hex') : ''),
  )
  let traceId = ''
  for (const s of spans) {
    if (s.traceId) traceId = s.traceId
    else s.traceId = traceId
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  for (let i = 0; i < spans.length; i++) {
    store.spans.add(spans[i] as StoredSpan)
    if (i % 2000 === 1999) store.flush()
  }
  store.flush()
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  console.log(
    `write capacity: ${count} spans in ${seconds.toFixed(2)} s wall = ${Math.round(count / seconds)} spans/s; ` +
      `CPU ${cpuSeconds.toFixed(2)} s = ${Math.round(count / cpuSeconds)} spans per CPU-second; file ${(fileBytes(path) / 1048576).toFixed(1)} MiB`,
  )
  store.close()
  rmSync(dir, { recursive: true, force: true })
}

function budget(count: number, budgetMb: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-store-bench-'))
  const path = join(dir, 'store.sqlite')
  const budgetBytes = budgetMb * 1024 * 1024
  const store = openTelemetryStore({ location: path, budgetBytes })
  let largest = 0
  let traceId = ''
  const t0 = performance.now()
  for (let i = 0; i < count; i++) {
    if (i % 5 === 0) traceId = randomBytes(16).toString('hex')
    store.spans.add(makeSpan(i, traceId))
    if (i % 2000 === 1999) {
      store.flush()
      largest = Math.max(largest, fileBytes(path))
    }
  }
  store.flush()
  const stats = store.stats()
  const end = fileBytes(path)
  console.log(
    `budget: ${count} spans into ${budgetMb} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `file at the end ${(end / 1048576).toFixed(1)} MiB, largest seen ${(largest / 1048576).toFixed(1)} MiB ` +
      `(${largest <= budgetBytes ? 'within' : 'OVER'} the budget); ${stats.pruned.spansPruned} spans pruned in ${stats.pruned.prunes} prunes, ` +
      `${store.spans.size()} kept; dropped writes ${stats.writes.spansDropped}`,
  )
  store.close()
  rmSync(dir, { recursive: true, force: true })
}

console.log(`node ${process.version}; machine shared with other work: figures are lower bounds`)
writeCapacity(Number(values.spans))
budget(Number(values['budget-spans']), Number(values['budget-mb']))
