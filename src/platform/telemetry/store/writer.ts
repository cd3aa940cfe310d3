// Batches everything bound for the store and writes each batch in one transaction, off the
// request path (a timer, or setImmediate once a batch is full). A failed batch (disk full, the
// size ceiling, an I/O error) is dropped and counted; the services never see the error.
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { StoredSpan } from '../span-store.ts'
import { type Attributes, type LogInput, spanToRow } from './rows.ts'

export interface MetricSnapshotInput {
  timeUs: number
  resource: Attributes
  /** OTLP JSON `metrics` of one scope. */
  metrics: unknown[]
  exemplars: ExemplarInput[]
}

export interface ExemplarInput {
  timeUs: number
  metric: string
  value: number
  traceId: string
  spanId: string
  orderKey: string | undefined
}

export interface WriteCounters {
  spansWritten: number
  logsWritten: number
  snapshotsWritten: number
  /** Items lost because their batch could not be written (disk full, size ceiling, I/O). */
  spansDropped: number
  logsDropped: number
  snapshotsDropped: number
  failedBatches: number
  lastError: string | null
}

export interface Writer {
  readonly counters: WriteCounters
  addSpan(span: StoredSpan): void
  addLog(log: LogInput): void
  addSnapshot(snapshot: MetricSnapshotInput): void
  /** Writes what is pending now (reads call it first so they see every item added). */
  flush(): void
  /** Called after every written batch (pruning hooks in here). */
  onBatch(listener: () => void): void
  close(): void
  pending(): number
}

const BATCH = 2000
const INTERVAL_MS = 200
// Items waiting beyond this many are dropped and counted: a stuck disk never grows the heap.
const MAX_PENDING = 50_000

export function createWriter(db: DatabaseSync, run: () => number): Writer {
  const counters: WriteCounters = {
    spansWritten: 0,
    logsWritten: 0,
    snapshotsWritten: 0,
    spansDropped: 0,
    logsDropped: 0,
    snapshotsDropped: 0,
    failedBatches: 0,
    lastError: null,
  }
  let spans: StoredSpan[] = []
  let logs: LogInput[] = []
  let snapshots: MetricSnapshotInput[] = []
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  const listeners: (() => void)[] = []
  const statements = prepareStatements(db)
  const resourceIds = createResourceIds(statements)

  function schedule(): void {
    const waiting = spans.length + logs.length + snapshots.length
    if (waiting >= BATCH) {
      if (!immediate) immediate = setImmediate(flush)
    } else if (!timer) {
      timer = setTimeout(flush, INTERVAL_MS)
      timer.unref()
    }
  }

  function flush(): void {
    if (timer) clearTimeout(timer)
    if (immediate) clearImmediate(immediate)
    timer = undefined
    immediate = undefined
    if (spans.length + logs.length + snapshots.length === 0) return
    const batch = { spans, logs, snapshots }
    spans = []
    logs = []
    snapshots = []
    try {
      db.exec('BEGIN')
      writeBatch(batch)
      db.exec('COMMIT')
      counters.spansWritten += batch.spans.length
      counters.logsWritten += batch.logs.length
      counters.snapshotsWritten += batch.snapshots.length
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK')
      resourceIds.forgetUncommitted()
      counters.failedBatches++
      counters.spansDropped += batch.spans.length
      counters.logsDropped += batch.logs.length
      counters.snapshotsDropped += batch.snapshots.length
      counters.lastError = error instanceof Error ? error.message : String(error)
      return
    }
    resourceIds.commit()
    for (const listener of listeners) listener()
  }

  function writeBatch(batch: {
    spans: StoredSpan[]
    logs: LogInput[]
    snapshots: MetricSnapshotInput[]
  }): void {
    const runId = run()
    for (const span of batch.spans) {
      const resource = resourceIds.idOf(span.resource ?? { 'service.name': span.service })
      const r = spanToRow(span, runId, resource)
      // Positional parameters: binding by name costs a property lookup per column.
      const { lastInsertRowid } = statements.span.run(
        r.run,
        r.trace_id,
        r.span_id,
        r.parent_id,
        r.name,
        r.kind,
        r.service,
        r.start_us,
        r.duration_us,
        r.status,
        r.status_message,
        r.attributes,
        r.events,
        r.links,
        r.resource,
        r.order_key,
      )
      for (const link of span.links) statements.link.run(lastInsertRowid, link.traceId)
    }
    for (const log of batch.logs) {
      statements.log.run(
        runId,
        log.timeUs,
        log.level,
        log.service,
        log.message,
        log.traceId ?? null,
        log.spanId ?? null,
        log.orderKey ?? null,
        JSON.stringify(log.attributes),
        resourceIds.idOf(log.resource ?? { 'service.name': log.service }),
      )
    }
    for (const snapshot of batch.snapshots) writeSnapshot(runId, snapshot)
  }

  function writeSnapshot(runId: number, snapshot: MetricSnapshotInput): void {
    const resource = resourceIds.idOf(snapshot.resource)
    const { lastInsertRowid } = statements.snapshot.run(
      runId,
      snapshot.timeUs,
      resource,
      JSON.stringify(snapshot.metrics),
    )
    const service = String(snapshot.resource['service.name'] ?? 'unknown')
    for (const e of snapshot.exemplars) {
      statements.exemplar.run(
        runId,
        lastInsertRowid,
        e.timeUs,
        service,
        e.metric,
        e.value,
        e.traceId,
        e.spanId,
        e.orderKey ?? null,
      )
    }
  }

  function drop<T>(queue: T[], counter: 'spansDropped' | 'logsDropped' | 'snapshotsDropped', item: T): void {
    if (queue.length >= MAX_PENDING) {
      counters[counter]++
      return
    }
    queue.push(item)
    schedule()
  }

  return {
    counters,
    addSpan: (span) => drop(spans, 'spansDropped', span),
    addLog: (log) => drop(logs, 'logsDropped', log),
    addSnapshot: (snapshot) => drop(snapshots, 'snapshotsDropped', snapshot),
    flush,
    onBatch: (listener) => listeners.push(listener),
    pending: () => spans.length + logs.length + snapshots.length,
    close() {
      flush()
      if (timer) clearTimeout(timer)
    },
  }
}

function prepareStatements(db: DatabaseSync) {
  return {
    span: db.prepare(
      `INSERT INTO spans (run, trace_id, span_id, parent_id, name, kind, service, start_us, duration_us,
        status, status_message, attributes, events, links, resource, order_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    link: db.prepare('INSERT INTO span_links (span_row, trace_id) VALUES (?, ?)'),
    log: db.prepare(
      `INSERT INTO logs (run, time_us, level, service, message, trace_id, span_id, order_key, attributes, resource)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    snapshot: db.prepare(
      'INSERT INTO metric_snapshots (run, time_us, resource, metrics) VALUES (?, ?, ?, ?)',
    ),
    exemplar: db.prepare(
      `INSERT INTO exemplars (run, snapshot_row, time_us, service, metric, value, trace_id, span_id, order_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    resourceByJson: db.prepare('SELECT id FROM resources WHERE attributes = ?'),
    insertResource: db.prepare('INSERT INTO resources (attributes) VALUES (?)'),
  }
}

/** Resource ids, cached by object (in-process resources are shared objects) and by JSON. */
function createResourceIds(statements: { resourceByJson: StatementSync; insertResource: StatementSync }) {
  let byObject = new WeakMap<object, number>()
  const byJson = new Map<string, number>()
  const uncommitted: string[] = []
  return {
    idOf(attributes: Attributes): number {
      const cached = byObject.get(attributes)
      if (cached !== undefined) return cached
      const json = JSON.stringify(attributes)
      let id = byJson.get(json)
      if (id === undefined) {
        const found = statements.resourceByJson.get(json) as { id: number } | undefined
        if (found) id = Number(found.id)
        else {
          id = Number(statements.insertResource.run(json).lastInsertRowid)
          uncommitted.push(json)
        }
        if (byJson.size > 10_000) byJson.clear()
        byJson.set(json, id)
      }
      byObject.set(attributes, id)
      return id
    },
    commit: () => {
      uncommitted.length = 0
    },
    forgetUncommitted: () => {
      if (uncommitted.length > 0) byObject = new WeakMap()
      for (const json of uncommitted) byJson.delete(json)
      uncommitted.length = 0
    },
  }
}
