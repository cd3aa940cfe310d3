// Holds an exclusive lock on a PostgreSQL table from a connection of its own, so a request that
// writes to it stays in flight until the lock is released: the only way to keep "the first request
// still being processed" open without timing guesses.
import pg from 'pg'
import { eventually } from './bakery.ts'

export interface TableLock {
  /** Resolves once some other session waits for the lock (the request reached the database). */
  waiter(): Promise<void>
  release(): Promise<void>
}

export async function lockTable(url: string, table: string): Promise<TableLock> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query('BEGIN')
  await client.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`)
  let released = false
  const release = async () => {
    if (released) return
    released = true
    await client.query('COMMIT')
    await client.end()
  }
  return {
    async waiter() {
      await eventually(
        async () => {
          const { rows } = await client.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`,
            [table],
          )
          return Number(rows[0]?.n) > 0
        },
        20_000,
        `a request waiting on ${table}`,
      )
    },
    release,
  }
}
