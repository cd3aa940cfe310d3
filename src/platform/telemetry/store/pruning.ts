// Keeps the store inside its budgets: the last N runs, and a size budget in bytes (the database
// file and its write-ahead log). Oldest data goes first, table by table; the newest traces (the
// floor) are kept whatever their age, so a quiet system still shows its last orders.
import { statSync } from 'node:fs'
import type { DatabaseSync } from 'node:sqlite'

export interface PruneOptions {
  runs: number
  budgetBytes: number
  keepTraces: number
}

export interface PruneCounters {
  runsPruned: number
  spansPruned: number
  logsPruned: number
  snapshotsPruned: number
  prunes: number
}

// Pruning starts above this share of the budget and stops below the lower one; the gap keeps it
// from running after every batch.
const HIGH_WATER = 0.85
const LOW_WATER = 0.7
// Each pass deletes this share of the oldest rows of every table.
const PASS_SHARE = 0.2

export function createPruner(db: DatabaseSync, path: string, options: PruneOptions) {
  const counters: PruneCounters = {
    runsPruned: 0,
    spansPruned: 0,
    logsPruned: 0,
    snapshotsPruned: 0,
    prunes: 0,
  }
  const pageSize = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size)
  const pageCount = db.prepare('PRAGMA page_count')
  const freePages = db.prepare('PRAGMA freelist_count')

  function walBytes(): number {
    if (path === ':memory:') return 0
    try {
      return statSync(`${path}-wal`).size
    } catch {
      return 0
    }
  }

  /** Bytes on disk: the database file and its write-ahead log. */
  function fileBytes(): number {
    return Number((pageCount.get() as { page_count: number }).page_count) * pageSize + walBytes()
  }

  function usedBytes(): number {
    const pages = Number((pageCount.get() as { page_count: number }).page_count)
    const free = Number((freePages.get() as { freelist_count: number }).freelist_count)
    return (pages - free) * pageSize
  }

  function deleteRunData(run: number): void {
    counters.spansPruned += Number(db.prepare('DELETE FROM spans WHERE run = ?').run(run).changes)
    db.prepare(
      'DELETE FROM span_links WHERE NOT EXISTS (SELECT 1 FROM spans WHERE spans.rowid = span_row)',
    ).run()
    counters.logsPruned += Number(db.prepare('DELETE FROM logs WHERE run = ?').run(run).changes)
    db.prepare('DELETE FROM exemplars WHERE run = ?').run(run)
    counters.snapshotsPruned += Number(
      db.prepare('DELETE FROM metric_snapshots WHERE run = ?').run(run).changes,
    )
    db.prepare('DELETE FROM runs WHERE id = ?').run(run)
  }

  /** Deletes every run but the newest `runs` (by id: live starts and imports alike). */
  function pruneRuns(): void {
    const old = db.prepare('SELECT id FROM runs ORDER BY id DESC LIMIT -1 OFFSET ?').all(options.runs) as {
      id: number
    }[]
    if (old.length === 0) return
    db.exec('BEGIN')
    try {
      for (const { id } of old) deleteRunData(Number(id))
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
    counters.runsPruned += old.length
    giveBackPages()
  }

  function newestTraces(): string[] {
    const kept = new Set<string>()
    for (const row of db.prepare('SELECT trace_id FROM spans ORDER BY rowid DESC').iterate() as Iterable<{
      trace_id: string
    }>) {
      if (kept.size >= options.keepTraces) break
      kept.add(row.trace_id)
    }
    return [...kept]
  }

  function cutoff(table: string): number | undefined {
    const row = db.prepare(`SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${table}`).get() as {
      lo: number | null
      hi: number | null
    }
    if (row.lo === null || row.hi === null) return undefined
    return Number(row.lo) + Math.max(1, Math.floor((Number(row.hi) - Number(row.lo)) * PASS_SHARE))
  }

  /** One pass: the oldest share of every table, except the spans of the newest traces. */
  function prunePass(): number {
    let deleted = 0
    const kept = JSON.stringify(newestTraces())
    const spans = cutoff('spans')
    const logs = cutoff('logs')
    const snapshots = cutoff('metric_snapshots')
    db.exec('BEGIN')
    try {
      if (spans !== undefined) {
        const n = Number(
          db
            .prepare(
              'DELETE FROM spans WHERE rowid <= ? AND trace_id NOT IN (SELECT value FROM json_each(?))',
            )
            .run(spans, kept).changes,
        )
        db.prepare(
          'DELETE FROM span_links WHERE span_row <= ? AND NOT EXISTS (SELECT 1 FROM spans WHERE spans.rowid = span_row)',
        ).run(spans)
        counters.spansPruned += n
        deleted += n
      }
      if (logs !== undefined) {
        const n = Number(db.prepare('DELETE FROM logs WHERE rowid <= ?').run(logs).changes)
        counters.logsPruned += n
        deleted += n
      }
      if (snapshots !== undefined) {
        db.prepare('DELETE FROM exemplars WHERE snapshot_row <= ?').run(snapshots)
        const n = Number(db.prepare('DELETE FROM metric_snapshots WHERE rowid <= ?').run(snapshots).changes)
        counters.snapshotsPruned += n
        deleted += n
      }
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
    return deleted
  }

  function giveBackPages(): void {
    db.exec('PRAGMA incremental_vacuum')
    if (path !== ':memory:') db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  }

  /** Prunes when the store is past its high-water mark; returns whether it deleted anything. */
  function enforceBudget(): boolean {
    if (fileBytes() < options.budgetBytes * HIGH_WATER) return false
    let any = false
    // Bounded: every pass deletes a fifth of what is left, so a handful reach the low-water mark.
    for (let pass = 0; pass < 20 && usedBytes() > options.budgetBytes * LOW_WATER; pass++) {
      if (prunePass() === 0) break
      any = true
    }
    giveBackPages()
    if (any) counters.prunes++
    return any
  }

  function deleteRun(run: number): void {
    db.exec('BEGIN')
    try {
      deleteRunData(run)
      db.exec('COMMIT')
    } catch (error) {
      db.exec('ROLLBACK')
      throw error
    }
    giveBackPages()
  }

  return { counters, pruneRuns, deleteRun, enforceBudget, fileBytes, usedBytes }
}
export type Pruner = ReturnType<typeof createPruner>
