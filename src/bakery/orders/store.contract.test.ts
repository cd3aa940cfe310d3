// The order store's list on both adapters: embedded PGlite and the real PostgreSQL server.
import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { describe, type TestContext, test } from 'node:test'
import { requireServer } from '../../../test/support/servers.ts'
import { type Database, migrate, openDatabase } from '../../platform/db/index.ts'
import { createLogger } from '../../platform/log/index.ts'
import { bakeryMigrations } from './migrations.ts'
import { createOrderStore, type NewOrder, type OrderRecord, type OrderStore } from './store.ts'

const log = createLogger({ level: 'silent', format: 'json' })
const adapters = [
  { name: 'pglite', url: async () => 'memory://' },
  { name: 'postgres', url: (t: TestContext) => requireServer(t, 'postgres') },
]

interface Opened {
  db: Database
  schema: string
  store: OrderStore
  /** The SQL and parameters of every query the store sent, to EXPLAIN them. */
  sent: { sql: string; params: readonly unknown[] }[]
}

async function open(t: TestContext, url: string | undefined): Promise<Opened | undefined> {
  if (!url) return undefined
  const db = await openDatabase(new URL(url), { poolSize: 2, log })
  const schema = `t_orders_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  t.after(async () => {
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await db.close()
  })
  await migrate(db, schema, bakeryMigrations)
  const sent: Opened['sent'] = []
  const recording: Database = {
    ...db,
    query(sql, params = [], options) {
      sent.push({ sql, params })
      return db.query(sql, params, options)
    },
  }
  return { db, schema, store: createOrderStore(recording, schema), sent }
}

function order(at: Date, customer: string): NewOrder {
  return {
    orderKey: randomBytes(16).toString('hex'),
    customer,
    pastry: 'croissant',
    orderTime: at,
    idempotencyKey: undefined,
  }
}

/** Inserts one batch, as the reception's group commit does. */
async function insert(store: OrderStore, batch: NewOrder[]): Promise<void> {
  const messages = batch.map((o) => ({ routingKey: 'orders', body: '{}', messageId: o.orderKey }))
  await store.insertWithOutbox(batch, messages)
}

async function allPages(
  store: OrderStore,
  query: { status?: 'pending' | 'baking' | 'finished'; limit: number },
): Promise<OrderRecord[]> {
  const seen: OrderRecord[] = []
  let cursor: string | undefined
  for (let page = 0; page < 100; page++) {
    const result = await store.list(cursor === undefined ? query : { ...query, cursor })
    seen.push(...result.orders)
    if (result.nextCursor === undefined) return seen
    cursor = result.nextCursor
  }
  throw new Error('more than 100 pages')
}

/** Newest orderTime first; among equal times, the later insert (higher seq) first. */
function byNewestFirst(a: OrderRecord, b: OrderRecord): number {
  return b.orderTime.getTime() - a.orderTime.getTime() || Number(BigInt(b.seq) - BigInt(a.seq))
}

for (const adapter of adapters) {
  describe(`order store on ${adapter.name}`, () => {
    test('order list follows orderTime newest first after 5 orders 1 s apart and 30 concurrent ones', async (t) => {
      const opened = await open(t, await adapter.url(t))
      if (!opened) return
      const { store } = opened
      const base = Date.parse('2025-01-01T10:39:56.555Z')
      const at = (ms: number) => new Date(base + ms)
      for (let i = 0; i < 5; i++) await insert(store, [order(at(i * 1000), `sequential-${i}`)])
      // 30 concurrent orders, stamped on arrival 12 s later; the group commit inserts them in
      // batches, and a batch stamped earlier may commit after a later one. Two share a stamp.
      const concurrent = Array.from({ length: 30 }, (_, i) => order(at(12_000 + i * 10), `concurrent-${i}`))
      concurrent[29] = order(at(12_000 + 28 * 10), 'tie-inserted-last')
      for (const [from, to] of [
        [20, 30],
        [0, 8],
        [8, 20],
      ] as const) {
        await insert(store, concurrent.slice(from, to))
      }

      const newest = await store.list({ limit: 2 })
      assert.deepEqual(
        newest.orders.map((o) => o.customer),
        ['tie-inserted-last', 'concurrent-28'],
        'the newest orderTime first; on a tie, the later insert first',
      )
      const pages = await allPages(store, { limit: 2 })
      assert.equal(pages.length, 35)
      assert.equal(new Set(pages.map((o) => o.orderKey)).size, 35, 'no order twice across pages')
      assert.deepEqual(pages, [...pages].sort(byNewestFirst))
      assert.deepEqual(
        pages.slice(-5).map((o) => o.customer),
        ['sequential-4', 'sequential-3', 'sequential-2', 'sequential-1', 'sequential-0'],
      )
    })

    test('order list pages stay in orderTime order per status after status changes', async (t) => {
      const opened = await open(t, await adapter.url(t))
      if (!opened) return
      const { store } = opened
      const base = Date.parse('2025-01-01T12:00:00.000Z')
      const batches = [
        [3, 1, 2],
        [0, 3, 5],
        [4, 2],
      ].map((offsets, b) => offsets.map((s, i) => order(new Date(base + s * 1000), `b${b}-${i}`)))
      for (const batch of batches) await insert(store, batch)
      const keys = batches.flat().map((o) => o.orderKey)
      const claimed = keys.filter((_, i) => i % 2 === 0)
      await store.claim(claimed)
      await store.finish(claimed.slice(0, 2), new Date(base + 10_000))

      const everything = await allPages(store, { limit: 3 })
      assert.equal(everything.length, keys.length)
      assert.deepEqual(everything, [...everything].sort(byNewestFirst))
      for (const status of ['pending', 'baking', 'finished'] as const) {
        const pages = await allPages(store, { status, limit: 1 })
        const expected = everything.filter((o) => o.status === status)
        assert.deepEqual(
          pages.map((o) => o.orderKey),
          expected.map((o) => o.orderKey),
          status,
        )
      }
    })

    test('advance claims some orders and finishes others in one statement, forward only', async (t) => {
      const opened = await open(t, await adapter.url(t))
      if (!opened) return
      const { store, sent } = opened
      const at = new Date('2025-01-01T12:00:00.000Z')
      const [a, b, c, d] = Array.from({ length: 4 }, (_, i) => order(at, `advance-${i}`))
      await insert(store, [a, b, c, d] as NewOrder[])
      const key = (o: NewOrder | undefined) => (o as NewOrder).orderKey
      await store.claim([key(a), key(b)])
      const before = sent.length
      // a: finish; b: claimed again (a redelivery) and finished in the same statement, so only
      // finished; c: claimed; d: finished while pending, so nothing; an unknown key: nothing.
      const unknown = 'f'.repeat(32)
      const finishedAt = new Date('2025-01-01T12:00:05.000Z')
      const result = await store.advance([key(b), key(c), unknown], [key(a), key(b), key(d)], finishedAt)
      assert.equal(sent.length - before, 1, 'one statement')
      assert.deepEqual([...result.claimed.keys()], [key(c)])
      assert.equal(result.claimed.get(key(c))?.customer, 'advance-2')
      assert.equal(result.claimed.get(key(c))?.bakes, 1)
      assert.deepEqual(new Set(result.finished), new Set([key(a), key(b)]))
      const status = async (o: NewOrder | undefined) => (await store.get(key(o)))?.status
      assert.deepEqual(
        [await status(a), await status(b), await status(c), await status(d)],
        ['finished', 'finished', 'baking', 'pending'],
      )
      assert.equal((await store.get(key(a)))?.finishedTime?.getTime(), finishedAt.getTime())
      // Finished orders are neither claimed nor finished again.
      const again = await store.advance([key(a)], [key(b)], new Date())
      assert.equal(again.claimed.size + again.finished.size, 0)
    })
  })
}

describe('order store on postgres, a large table', () => {
  test('order list pages are read from the (order_time, seq) index without a seq scan or sort', async (t) => {
    const opened = await open(t, await requireServer(t, 'postgres'))
    if (!opened) return
    const { db, schema, store, sent } = opened
    // 50,000 orders over a day, mostly finished as in a running bakery.
    await db.exec(`INSERT INTO ${schema}.orders (order_key, customer, pastry, order_time, status)
      SELECT md5(i::text), 'c' || i, 'croissant',
             timestamptz '2025-01-01' + (i * 1.7 || ' seconds')::interval,
             CASE WHEN i % 10 = 0 THEN 'pending' WHEN i % 10 = 1 THEN 'baking' ELSE 'finished' END
        FROM generate_series(1, 50000) AS i;
      ANALYZE ${schema}.orders`)
    const first = await store.list({ limit: 20 })
    const cursor = first.nextCursor
    assert.ok(cursor)
    await store.list({ limit: 20, cursor })
    await store.list({ status: 'finished', limit: 20 })
    await store.list({ status: 'pending', limit: 20, cursor })
    const lists = sent.filter((q) => /ORDER BY o.order_time DESC/.test(q.sql))
    assert.equal(lists.length, 4)
    for (const { sql, params } of lists) {
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n')
      assert.match(plan, /Index Scan Backward using orders_order_time_seq/, plan)
      assert.doesNotMatch(plan, /Seq Scan on orders/, plan)
      assert.doesNotMatch(plan, /^\s*(->\s*)?(Incremental )?Sort\b/m, plan)
    }
  })
})
