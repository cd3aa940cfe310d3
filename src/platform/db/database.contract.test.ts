// One contract, run on every adapter: embedded PGlite and the real PostgreSQL server.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import net from 'node:net'
import { describe, test } from 'node:test'
import { fatalErrorResponse } from '../../../test/support/pg-outage.ts'
import { requireServer } from '../../../test/support/servers.ts'
import { BakeryError } from '../errors.ts'
import { createLogger } from '../log/index.ts'
import { type Database, type Migration, migrate, openDatabase } from './index.ts'

const log = createLogger({ level: 'silent', format: 'json' })
const adapters = [
  { name: 'pglite', url: async () => 'memory://' },
  { name: 'postgres', url: (t: Parameters<typeof requireServer>[0]) => requireServer(t, 'postgres') },
]

const migrations: Migration[] = [
  { version: 1, name: 'items', sql: 'CREATE TABLE items (id text PRIMARY KEY, qty integer NOT NULL);' },
  {
    version: 2,
    name: 'price',
    sql: 'ALTER TABLE items ADD COLUMN price numeric(8,2);\nCREATE INDEX ON items (qty);',
  },
]

for (const adapter of adapters) {
  describe(`database adapter ${adapter.name}`, () => {
    async function open(
      t: Parameters<typeof requireServer>[0],
    ): Promise<{ db: Database; schema: string } | undefined> {
      const url = await adapter.url(t)
      if (!url) return undefined
      const db = await openDatabase(new URL(url), { poolSize: 4, log })
      const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`
      t.after(async () => {
        await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await db.close()
      })
      return { db, schema }
    }

    test('migrates from empty, then applies nothing twice', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { db, schema } = opened
      assert.deepEqual(await migrate(db, schema, migrations), [1, 2])
      assert.deepEqual(await migrate(db, schema, migrations), [])
      const { rows } = await db.query<{ version: number }>(
        `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
      )
      assert.deepEqual(
        rows.map((r) => r.version),
        [1, 2],
      )
    })

    test('refuses a migration edited after it was applied', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { db, schema } = opened
      await migrate(db, schema, migrations)
      const edited = [{ ...migrations[0], sql: 'CREATE TABLE items (id text);' } as Migration]
      await assert.rejects(migrate(db, schema, edited), (error: unknown) => {
        assert.ok(error instanceof BakeryError)
        assert.equal(error.code, 'BKR_DB_MIGRATION_CHECKSUM')
        return true
      })
    })

    test('queries with parameters and rolls a failed transaction back', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { db, schema } = opened
      await migrate(db, schema, migrations)
      const insert = await db.query(
        `INSERT INTO ${schema}.items (id, qty, price) VALUES ($1, $2, $3)`,
        ['a', 3, '1.50'],
        {
          name: `insert-${schema}`,
        },
      )
      assert.equal(insert.rowCount, 1)
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(`UPDATE ${schema}.items SET qty = qty + 1 WHERE id = $1`, ['a'])
          await tx.query(`INSERT INTO ${schema}.items (id, qty) VALUES ($1, $2)`, ['a', 1])
        }),
        /duplicate key/,
      )
      const { rows } = await db.query<{ qty: number; price: string }>(
        `SELECT qty, price::text AS price FROM ${schema}.items WHERE id = $1`,
        ['a'],
      )
      assert.deepEqual(rows, [{ qty: 3, price: '1.50' }])
      const committed = await db.transaction(async (tx) => {
        await tx.query(`UPDATE ${schema}.items SET qty = 10 WHERE id = $1`, ['a'])
        return 'done'
      })
      assert.equal(committed, 'done')
      assert.equal((await db.query<{ qty: number }>(`SELECT qty FROM ${schema}.items`)).rows[0]?.qty, 10)
    })

    test('replicas migrating at once apply each migration exactly once', async (t) => {
      const opened = await open(t)
      if (!opened) return
      const { db, schema } = opened
      const results = await Promise.all([1, 2, 3].map(() => migrate(db, schema, migrations)))
      assert.deepEqual(results.flat().sort(), [1, 2])
    })
  })
}

describe('database adapter postgres, server out of reach', () => {
  const isUnavailable = (error: unknown) => {
    assert.ok(error instanceof BakeryError, String(error))
    assert.equal(error.code, 'BKR_DB_UNAVAILABLE')
    assert.equal(error.status, 503)
    assert.equal(error.retryable, true)
    return true
  }

  async function everyCallFails(t: Parameters<typeof requireServer>[0], url: string): Promise<void> {
    const db = await openDatabase(new URL(url), { poolSize: 1, log })
    t.after(() => db.close())
    await assert.rejects(db.query('SELECT 1'), isUnavailable)
    await assert.rejects(db.exec('SELECT 1'), isUnavailable)
    await assert.rejects(
      db.transaction((tx) => tx.query('SELECT 1')),
      isUnavailable,
    )
    await assert.rejects(db.ping(), isUnavailable)
  }

  test('postgres adapter reports a closed port as BKR_DB_UNAVAILABLE', async (t) => {
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as net.AddressInfo
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await everyCallFails(t, `postgres://postgres@127.0.0.1:${port}/test`)
  })

  for (const [sqlstate, message] of [
    ['53300', 'sorry, too many clients already'],
    ['57P03', 'the database system is starting up'],
  ] as const) {
    test(`postgres adapter reports a server refusing clients with ${sqlstate} as BKR_DB_UNAVAILABLE`, async (t) => {
      const server = net.createServer((socket) => {
        socket.on('error', () => socket.destroy())
        socket.once('data', () => socket.end(fatalErrorResponse(sqlstate, message)))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
      const { port } = server.address() as net.AddressInfo
      await everyCallFails(t, `postgres://postgres@127.0.0.1:${port}/test`)
    })
  }

  test('postgres adapter keeps the pg error of a failed statement', async (t) => {
    const url = await requireServer(t, 'postgres')
    if (!url) return
    const db = await openDatabase(new URL(url), { poolSize: 1, log })
    t.after(() => db.close())
    await assert.rejects(db.query('SELECT * FROM no_such_table_here'), (error: unknown) => {
      assert.ok(!(error instanceof BakeryError))
      assert.equal((error as { code?: string }).code, '42P01')
      return true
    })
  })
})
