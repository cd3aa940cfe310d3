import { PGlite } from '@electric-sql/pglite'
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

/** Embedded PostgreSQL: in memory, or in `dataDir` when given. One instance costs ~0.5 GB: share it. */
export async function createPgliteDatabase(dataDir?: string): Promise<Database> {
  const startParams = [...PGlite.defaultStartParams, '-c', `shared_buffers=${SHARED_BUFFERS}`]
  const pg = await PGlite.create(dataDir === undefined ? { startParams } : { dataDir, startParams })
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
