// "Server down" without stopping the machine's servers (other tests share them): a loopback port
// nothing listens on, and a database that can be switched from the real one to a real PostgreSQL
// client pointed at such a port (ECONNREFUSED, as while PostgreSQL restarts).
import { createServer } from 'node:net'
import type { TestContext } from 'node:test'
import { type Database, openDatabase } from '../../src/platform/db/index.ts'
import type { Infra } from '../../src/platform/infra.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { defer } from './defer.ts'

/** A loopback port that was free a moment ago and has nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export interface SwitchableDatabase {
  /** The infra with its database() replaced by the switchable one (everything else shared). */
  infra: Infra
  /** From now on every query goes to a PostgreSQL that is not there. */
  down(): Promise<void>
  up(): void
}

/** Wraps `infra` so its database can be taken down and brought back while services run. */
export function switchableDatabase(t: TestContext, infra: Infra): SwitchableDatabase {
  let real: Database | undefined
  let away: Database | undefined
  let isDown = false
  const current = async () => {
    real ??= await infra.database()
    return isDown && away ? away : real
  }
  const database: Database = {
    get engine() {
      return real?.engine ?? 'postgres'
    },
    query: async (sql, params, options) => (await current()).query(sql, params, options),
    exec: async (sql) => (await current()).exec(sql),
    transaction: async (fn) => (await current()).transaction(fn),
    ping: async () => (await current()).ping(),
    close: async () => undefined, // the real one closes with `infra`
  }
  defer(t, () => away?.close())
  return {
    infra: Object.create(infra, { database: { value: async () => database } }) as Infra,
    async down() {
      away ??= await openDatabase(new URL(`postgres://postgres@127.0.0.1:${await closedPort()}/test`), {
        poolSize: 1,
        log: createLogger({ level: 'silent', format: 'json' }),
      })
      isDown = true
    },
    up() {
      isDown = false
    },
  }
}
