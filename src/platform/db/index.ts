import type { Logger } from '../log/index.ts'
import type { Database } from './port.ts'

export { checksum, type Migration, migrate } from './migrations.ts'
export type { Database, Queryable, QueryOptions, QueryResult } from './port.ts'
export { DATABASE_BREAKER, databaseReadPolicy, guardedRead } from './read-guard.ts'
export { isRetryableDbError } from './retryable.ts'
export { traceDatabase } from './traced.ts'
export { databaseUnavailable, isDatabaseUnavailable } from './unavailable.ts'

/** memory:// → in-memory PGlite, pglite:///dir → PGlite on disk, postgres:// → a pg pool. */
export async function openDatabase(url: URL, options: { poolSize: number; log: Logger }): Promise<Database> {
  if (url.protocol === 'memory:' || url.protocol === 'pglite:') {
    const { createPgliteDatabase } = await import('./pglite.ts')
    return createPgliteDatabase(url.protocol === 'pglite:' ? decodeURIComponent(url.pathname) : undefined)
  }
  const { createPostgresDatabase } = await import('./postgres.ts')
  return createPostgresDatabase(url, options)
}
