import pg from 'pg'
import type { Logger } from '../log/index.ts'
import type { Database, Queryable, QueryOptions, QueryResult } from './port.ts'
import { rethrowUnavailable } from './unavailable.ts'

type Client = pg.Pool | pg.PoolClient

function queryable(client: Client): Queryable {
  return {
    async query<R>(
      sql: string,
      params: readonly unknown[] = [],
      options: QueryOptions = {},
    ): Promise<QueryResult<R>> {
      const config: pg.QueryConfig = { text: sql, values: params as unknown[] }
      if (options.name) config.name = options.name
      const result = await client.query(config).catch(rethrowUnavailable)
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length }
    },
    async exec(sql) {
      await client.query(sql).catch(rethrowUnavailable)
    },
  }
}

// A refused, lost or saturated server surfaces as BKR_DB_UNAVAILABLE (retryable, HTTP 503); a
// failed statement keeps its pg error (SQLSTATE in `code`).
export function createPostgresDatabase(url: URL, options: { poolSize: number; log: Logger }): Database {
  const pool = new pg.Pool({
    connectionString: url.href,
    max: options.poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  })
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', (error) => options.log.warn({ err: error }, 'idle PostgreSQL connection failed'))
  // A client checked out for a transaction has no pool listener: a server restart between its
  // queries would emit an unhandled 'error' and kill the process. The query itself still fails.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.log.warn({ err: error }, 'PostgreSQL connection failed'))
  })
  const base = queryable(pool)
  return {
    engine: 'postgres',
    ...base,
    async transaction(fn) {
      const client = await pool.connect().catch(rethrowUnavailable)
      let broken: Error | undefined
      try {
        const tx = queryable(client)
        await tx.exec('BEGIN')
        const result = await fn(tx)
        await tx.exec('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError
        })
        throw error
      } finally {
        client.release(broken)
      }
    },
    async ping() {
      await base.exec('SELECT 1')
    },
    async close() {
      await pool.end()
    },
  }
}
