// Opens the telemetry store's SQLite file (node:sqlite, built into Node 24) and checks that it is
// ours. A file that is not SQLite, or a SQLite file of some other program, stops the start with
// an error naming the path and how to reset; the store never wipes a file it did not write.
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { BakeryError, ErrorCode } from '../../errors.ts'

/** 'Bkry' in ASCII: marks a SQLite file as a Bakery telemetry store (PRAGMA application_id). */
export const APPLICATION_ID = 0x426b7279
export const SCHEMA_VERSION = 1
export const PAGE_SIZE = 4096

const SCHEMA = `
CREATE TABLE runs (
  id INTEGER PRIMARY KEY, started_us INTEGER NOT NULL, ended_us INTEGER,
  source TEXT NOT NULL, label TEXT NOT NULL);
CREATE TABLE resources (id INTEGER PRIMARY KEY, attributes TEXT NOT NULL UNIQUE);
CREATE TABLE spans (
  run INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_id TEXT,
  name TEXT NOT NULL, kind INTEGER NOT NULL, service TEXT NOT NULL,
  start_us INTEGER NOT NULL, duration_us INTEGER NOT NULL, status INTEGER NOT NULL,
  status_message TEXT, attributes TEXT NOT NULL, events TEXT, links TEXT,
  resource INTEGER NOT NULL, order_key TEXT);
CREATE INDEX spans_trace ON spans (trace_id);
CREATE INDEX spans_run ON spans (run);
CREATE INDEX spans_order ON spans (order_key) WHERE order_key IS NOT NULL;
CREATE TABLE span_links (span_row INTEGER NOT NULL, trace_id TEXT NOT NULL);
CREATE INDEX span_links_trace ON span_links (trace_id);
CREATE INDEX span_links_row ON span_links (span_row);
CREATE TABLE logs (
  run INTEGER NOT NULL, time_us INTEGER NOT NULL, level INTEGER NOT NULL, service TEXT NOT NULL,
  message TEXT NOT NULL, trace_id TEXT, span_id TEXT, order_key TEXT, attributes TEXT NOT NULL,
  resource INTEGER NOT NULL);
CREATE INDEX logs_run ON logs (run);
CREATE INDEX logs_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX logs_order ON logs (order_key) WHERE order_key IS NOT NULL;
CREATE TABLE metric_snapshots (
  run INTEGER NOT NULL, time_us INTEGER NOT NULL, resource INTEGER NOT NULL, metrics TEXT NOT NULL);
CREATE INDEX metric_snapshots_run ON metric_snapshots (run);
CREATE TABLE exemplars (
  run INTEGER NOT NULL, snapshot_row INTEGER NOT NULL, time_us INTEGER NOT NULL,
  service TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL, order_key TEXT);
CREATE INDEX exemplars_order ON exemplars (order_key) WHERE order_key IS NOT NULL;
CREATE INDEX exemplars_snapshot ON exemplars (snapshot_row);
`

export function resetHint(path: string): string {
  return `stop Bakery and move or delete ${path} (and ${path}-wal, ${path}-shm) to start with an empty store, or set BAKERY_TELEMETRY_STORE to another path (memory: keeps telemetry in memory only)`
}

function unreadable(path: string, why: string, cause?: unknown): BakeryError {
  return new BakeryError(
    ErrorCode.TELEMETRY_STORE_UNREADABLE,
    `telemetry store ${path} ${why}; ${resetHint(path)}`,
    { cause },
  )
}

/** Opens (creating when absent) the store at `path`, or an in-memory one for ':memory:'. */
export function openDatabase(path: string, budgetBytes: number): DatabaseSync {
  const inMemory = path === ':memory:'
  if (!inMemory) {
    try {
      mkdirSync(dirname(path), { recursive: true })
    } catch (error) {
      // A read-only working directory (a container image) lands here: say which variable moves it.
      throw unreadable(path, `cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error)
    }
    if (existsSync(path) && !statSync(path).isFile()) throw unreadable(path, 'is not a file')
  }
  let db: DatabaseSync
  try {
    db = new DatabaseSync(path)
  } catch (error) {
    throw unreadable(path, 'cannot be opened', error)
  }
  try {
    prepare(db, path, budgetBytes, inMemory)
  } catch (error) {
    db.close()
    if (error instanceof BakeryError) throw error
    throw unreadable(path, 'is not a readable SQLite database (corrupt or foreign file)', error)
  }
  return db
}

function prepare(db: DatabaseSync, path: string, budgetBytes: number, inMemory: boolean): void {
  // Reading the header first: a non-SQLite file fails here ("file is not a database").
  const applicationId = Number(
    (db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id,
  )
  const tables = Number(
    (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n,
  )
  if (tables > 0 && applicationId !== APPLICATION_ID) {
    throw unreadable(path, 'is a SQLite database of another program (not a Bakery telemetry store)')
  }
  if (tables === 0) {
    // auto_vacuum must be chosen before the first table: pruned pages then go back to the disk.
    db.exec(`PRAGMA page_size = ${PAGE_SIZE}; PRAGMA auto_vacuum = INCREMENTAL;`)
    db.exec(
      `BEGIN; ${SCHEMA} PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION}; COMMIT;`,
    )
  } else {
    const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version)
    if (version !== SCHEMA_VERSION) {
      throw unreadable(path, `has schema version ${version}; this Bakery reads version ${SCHEMA_VERSION}`)
    }
    const check = db.prepare('PRAGMA quick_check(1)').get() as { quick_check: string }
    if (check.quick_check !== 'ok') throw unreadable(path, `is damaged (${check.quick_check})`)
  }
  // WAL: readers (the dashboard, `bakery telemetry export`) never wait for the writer, and a
  // crash loses at most the batch being written. NORMAL sync keeps every committed batch across
  // a process crash; only a power loss may take the last few.
  // The log is cut back to 4 MiB after each checkpoint, so it never holds the budget's slack.
  if (!inMemory)
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 4194304;')
  db.exec('PRAGMA temp_store = MEMORY; PRAGMA busy_timeout = 2000;')
  setMaxBytes(db, budgetBytes * 1.25)
}

/** A hard ceiling above the budget: past it writes fail (and are counted) like on a full disk. */
export function setMaxBytes(db: DatabaseSync, bytes: number): void {
  db.exec(`PRAGMA max_page_count = ${Math.max(64, Math.floor(bytes / PAGE_SIZE))}`)
}
