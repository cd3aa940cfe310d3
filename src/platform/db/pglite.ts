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
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`]
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
