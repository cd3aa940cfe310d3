import type { Logger } from '../log/index.ts'
import type { Database } from './port.ts'

export { checksum, type Migration, migrate } from './migrations.ts'
export type { Database, Queryable, QueryOptions, QueryResult } from './port.ts'
export { DATABASE_BREAKER, databaseReadPolicy, guardedRead } from './read-guard.ts'
export { isRetryableDbError } from './retryable.ts'
export { traceDatabase } from './traced.ts'
export { databaseUnavailable, isDatabaseUnavailable } from './unavailable.ts'

export interface OpenDatabaseOptions {
  poolSize: number
  log: Logger
  /** memory:// starts from a fresh-cluster snapshot kept in this directory (pglite-snapshot.ts). */
  pgliteSnapshotDir?: string | undefined
}

/** memory:// → in-memory PGlite, pglite:///dir → PGlite on disk, postgres:// → a pg pool. */
export async function openDatabase(url: URL, options: OpenDatabaseOptions): Promise<Database> {
  if (url.protocol === 'memory:') {
    const { createPgliteDatabase } = await import('./pglite.ts')
    return createPgliteDatabase({ snapshotDir: options.pgliteSnapshotDir, log: options.log })
  }
  if (url.protocol === 'pglite:') {
    const { createPgliteDatabase } = await import('./pglite.ts')
    return createPgliteDatabase({ dataDir: decodeURIComponent(url.pathname) })
  }
  const { createPostgresDatabase } = await import('./postgres.ts')
  return createPostgresDatabase(url, options)
}
