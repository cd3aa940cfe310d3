// The telemetry store: spans (with events, links and resource), log records and metric snapshots
// of every run, in one SQLite database, on disk by default (memory: keeps it in RAM). Every start
// of a process that opens it is a new run; budgets and caps keep it bounded.
import { resolve } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import { createSpanStore, type SpanStore, type StoredSpan } from '../span-store.ts'
import { type CapCounters, createCapper, DEFAULT_CAPS, type ItemCaps } from './caps.ts'
import { openDatabase, setMaxBytes } from './database.ts'
import { createLogQueries, type LogQueries } from './log-queries.ts'
import { createPruner, type PruneCounters } from './pruning.ts'
import type { Attributes, ExemplarRecord, LogInput, RunInfo } from './rows.ts'
import { createPersistSampler, type SamplingCounters } from './sampling.ts'
import { createPersistentSpanStore, createSpanQueries, type SpanQueries } from './span-queries.ts'
import { createWriter, type MetricSnapshotInput, type WriteCounters } from './writer.ts'

export const MEMORY_LOCATION = 'memory:'

export interface TelemetryStoreOptions {
  /** A file path, or `memory:`. */
  location: string
  runs?: number
  budgetBytes?: number
  /** Traces always kept by size pruning (the newest ones). */
  keepTraces?: number
  caps?: Partial<ItemCaps>
  /** Spans of this process kept in memory for live aggregates (the order flow). */
  recentSpans?: number
  /** A live run starts now; tools (export, import) open the store without one. */
  live?: boolean
  label?: string
  /** Least time between two budget checks (each reads the file size). */
  pruneCheckMs?: number
  /** Ok spans a second written in full; beyond, a share of orders is (see sampling.ts). 0 = all. */
  spansPerSecond?: number
}

export interface TelemetryStoreStats {
  location: string
  run: number | null
  budgetBytes: number
  fileBytes: number
  spans: number
  caps: ItemCaps
  cut: CapCounters & { logValuesTruncated: number }
  writes: WriteCounters
  pruned: PruneCounters
  sampled: SamplingCounters
}

export interface TelemetryStore {
  readonly location: string
  /** The live run of this process, if it opened one. */
  readonly run: number | undefined
  readonly spans: SpanStore
  readonly spanQueries: SpanQueries
  readonly logs: LogQueries
  readonly db: DatabaseSync
  addLog(log: LogInput): void
  addMetricSnapshot(snapshot: MetricSnapshotInput): void
  exemplarsOfOrder(orderKey: string, limit?: number): ExemplarRecord[]
  runs(): RunInfo[]
  getRun(id: number): RunInfo | undefined
  /** Opens a new run for imported data. */
  createRun(source: 'live' | 'import', label: string, startedUs: number): number
  deleteRun(id: number): void
  stats(): TelemetryStoreStats
  /** Writes pending items now. */
  flush(): void
  /** Writes what is pending, closes the run and the database. */
  close(): void
}

// The size check (a PRAGMA and a stat) is cheap enough for every batch.
const PRUNE_CHECK_MS = 0

export function openTelemetryStore(options: TelemetryStoreOptions): TelemetryStore {
  const location = options.location === MEMORY_LOCATION ? MEMORY_LOCATION : resolve(options.location)
  const path = location === MEMORY_LOCATION ? ':memory:' : location
  const budgetBytes = options.budgetBytes ?? 256 * 1024 * 1024
  const caps: ItemCaps = { ...DEFAULT_CAPS, ...options.caps }
  const db = openDatabase(path, budgetBytes)
  const pruner = createPruner(db, path, {
    runs: options.runs ?? 10,
    budgetBytes,
    keepTraces: options.keepTraces ?? 100,
  })
  let run: number | undefined
  const createRun = (source: 'live' | 'import', label: string, startedUs: number): number => {
    const id = Number(
      db
        .prepare('INSERT INTO runs (started_us, source, label) VALUES (?, ?, ?)')
        .run(startedUs, source, label).lastInsertRowid,
    )
    pruner.pruneRuns()
    return id
  }
  if (options.live !== false)
    run = createRun('live', options.label ?? `pid ${process.pid}`, Date.now() * 1000)

  const capper = createCapper(caps)
  const sampler = createPersistSampler(options.spansPerSecond ?? 0)
  let logValuesTruncated = 0
  const writer = createWriter(db, () => run ?? 0)
  const spanQueries = createSpanQueries(db)
  const logs = createLogQueries(db)
  const ring = createSpanStore(options.recentSpans ?? 20_000)
  let spanCount = spanQueries.count()
  let lastPruneCheck = 0
  let lastRecount = Date.now()
  let written = 0
  writer.onBatch(() => {
    spanCount += writer.counters.spansWritten - written
    written = writer.counters.spansWritten
    const now = Date.now()
    if (now - lastPruneCheck < (options.pruneCheckMs ?? PRUNE_CHECK_MS)) return
    lastPruneCheck = now
    try {
      if (pruner.enforceBudget()) spanCount = spanQueries.count()
    } catch (error) {
      writer.counters.lastError = error instanceof Error ? error.message : String(error)
    }
  })
  const spans = createPersistentSpanStore(
    ring,
    spanQueries,
    (span: StoredSpan) => {
      if (sampler.keep(span)) writer.addSpan(span)
    },
    () => writer.flush(),
  )
  const cappedSpans: SpanStore = {
    ...spans,
    add(span) {
      const capped = capper.span(span)
      if (capped) spans.add(capped)
    },
    size() {
      writer.flush()
      // Imports and run pruning write past the counter: recount now and then (count(*) scans).
      const now = Date.now()
      if (now - lastRecount > 5000) {
        lastRecount = now
        spanCount = spanQueries.count()
      }
      return spanCount
    },
  }

  function capLog(log: LogInput): LogInput {
    const attributes = capper.attributes(log.attributes, caps.attributesPerSpan)
    const message = capper.value(log.message)
    if (attributes === log.attributes && message === log.message) return log
    logValuesTruncated++
    return { ...log, attributes, message }
  }

  const runRow = (r: Record<string, unknown>): RunInfo => ({
    id: Number(r.id),
    startedMs: Number(r.started_us) / 1000,
    endedMs: r.ended_us === null ? null : Number(r.ended_us) / 1000,
    source: r.source as RunInfo['source'],
    label: String(r.label),
    spans: Number(r.spans),
    logs: Number(r.logs),
    snapshots: Number(r.snapshots),
  })
  const RUNS_SQL = `SELECT runs.*,
      (SELECT count(*) FROM spans WHERE spans.run = runs.id) AS spans,
      (SELECT count(*) FROM logs WHERE logs.run = runs.id) AS logs,
      (SELECT count(*) FROM metric_snapshots WHERE metric_snapshots.run = runs.id) AS snapshots
    FROM runs`

  return {
    location,
    get run() {
      return run
    },
    spans: cappedSpans,
    spanQueries,
    logs: {
      search(query) {
        writer.flush()
        return logs.search(query)
      },
      services: () => logs.services(),
    },
    db,
    addLog: (log) => writer.addLog(capLog(log)),
    addMetricSnapshot: (snapshot) => writer.addSnapshot(snapshot),
    exemplarsOfOrder(orderKey, limit = 200) {
      writer.flush()
      const rows = db
        .prepare('SELECT * FROM exemplars WHERE order_key = ? ORDER BY time_us LIMIT ?')
        .all(orderKey, limit) as Record<string, unknown>[]
      return rows.map((r) => ({
        run: Number(r.run),
        timeMs: Number(r.time_us) / 1000,
        service: String(r.service),
        metric: String(r.metric),
        value: Number(r.value),
        traceId: String(r.trace_id),
        spanId: String(r.span_id),
        orderKey: r.order_key === null ? null : String(r.order_key),
      }))
    },
    runs() {
      writer.flush()
      return (db.prepare(`${RUNS_SQL} ORDER BY id DESC`).all() as Record<string, unknown>[]).map(runRow)
    },
    getRun(id) {
      writer.flush()
      const row = db.prepare(`${RUNS_SQL} WHERE id = ?`).get(id) as Record<string, unknown> | undefined
      return row ? runRow(row) : undefined
    },
    createRun,
    deleteRun(id) {
      writer.flush()
      pruner.deleteRun(id)
      spanCount = spanQueries.count()
    },
    stats: () => ({
      location,
      run: run ?? null,
      budgetBytes,
      fileBytes: pruner.fileBytes(),
      spans: spanCount,
      caps,
      cut: { ...capper.counters, logValuesTruncated },
      writes: { ...writer.counters },
      pruned: { ...pruner.counters },
      sampled: { ...sampler.counters },
    }),
    flush: () => writer.flush(),
    close() {
      writer.close()
      if (run !== undefined) {
        try {
          db.prepare('UPDATE runs SET ended_us = ? WHERE id = ?').run(Date.now() * 1000, run)
        } catch {
          // A full disk keeps the run open-ended; its data is already written.
        }
      }
      db.close()
    },
  }
}

/** For tests: the hard size ceiling, as if the disk had only this many bytes for the store. */
export function limitStoreBytes(store: TelemetryStore, bytes: number): void {
  setMaxBytes(store.db, bytes)
}

export type { Attributes }
