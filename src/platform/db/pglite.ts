import { PGlite } from '@electric-sql/pglite'
import type { Logger } from '../log/index.ts'
import { createSnapshotPglite } from './pglite-snapshot.ts'
import type { Database, Queryable, QueryResult } from './port.ts'

type PgliteLike = Pick<PGlite, 'query' | 'exec'>

function queryable(pg: PgliteLike): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await pg.query<R>(sql, params as unknown[])
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length }
    },
    async exec(sql) {
      await pg.exec(sql)
    },
  }
}

// PostgreSQL's default 128 MB of shared buffers live in the WebAssembly memory, which never
// shrinks; the embedded stack's tables fit in far less.
const SHARED_BUFFERS = '16MB'

// A cluster that was not shut down cleanly (a snapshot taken while running, pglite:///dir after a
// crash) goes through recovery at start, which arms PostgreSQL's startup-progress timer, repeating
// every log_startup_progress_interval (10 s). A postmaster's startup process exits and takes it
// along; PGlite runs recovery in its one process, so the timer (a ref'd setTimeout) stays armed
// forever and keeps Node alive after the last query. Nothing reads that progress log here.
const NO_STARTUP_PROGRESS = ['-c', 'log_startup_progress_interval=0']

export interface PgliteOptions {
  /** On disk here; in memory when absent. */
  dataDir?: string
  /** In memory: start from the fresh-cluster snapshot kept here (written on first use). */
  snapshotDir?: string | undefined
  log?: Logger | undefined
}

/** Embedded PostgreSQL: in memory, or in `dataDir` when given. One instance costs ~0.5 GB: share it. */
export async function createPgliteDatabase(options: PgliteOptions = {}): Promise<Database> {
  const { dataDir, snapshotDir, log } = options
  const startParams = [
    ...PGlite.defaultStartParams,
    ...NO_STARTUP_PROGRESS,
    '-c',
    `shared_buffers=${SHARED_BUFFERS}`,
  ]
  const pg =
    dataDir !== undefined
      ? await PGlite.create({ dataDir, startParams })
      : snapshotDir
        ? await createSnapshotPglite(snapshotDir, { startParams }, log)
        : await PGlite.create({ startParams })
  const base = queryable(pg)
  return {
    engine: 'pglite',
    ...base,
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    async ping() {
      await pg.query('SELECT 1')
    },
    async close() {
      await pg.close()
    },
  }
}
