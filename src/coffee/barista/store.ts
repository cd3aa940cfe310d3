// The barista's brews in SQL (schema `barista`): one row per order item, forward only
// (brewing → done), and the orders announced ready (one row each, so order.Ready is queued once).
import type { Database, Queryable } from '../../platform/db/index.ts'
import { BARISTA_SCHEMA as S } from './migrations.ts'

export interface BrewRecord {
  itemIndex: number
  type: string
  size: string
  state: string
  barista: string | undefined
  brewMs: number | undefined
}

interface BrewRow {
  item_index: number
  type: string
  size: string
  state: string
  barista: string | null
  brew_ms: number | null
}

export function createBrewStore(db: Database) {
  return {
    /** Marks an item brewing (again, unless it is already done). */
    async startBrew(orderId: string, index: number, item: { type: string; size: string }): Promise<void> {
      await db.query(
        `INSERT INTO ${S}.brews (order_id, item_index, type, size, state) VALUES ($1, $2, $3, $4, 'brewing')
          ON CONFLICT (order_id, item_index) DO UPDATE SET state = 'brewing', started_at = now()
          WHERE ${S}.brews.state <> 'done'`,
        [orderId, index, item.type, item.size],
        { name: 'barista.brews.start' },
      )
    },

    async finishBrew(orderId: string, index: number, barista: string, ms: number): Promise<void> {
      await db.query(
        `UPDATE ${S}.brews SET state = 'done', barista = $3, brew_ms = $4, done_at = now(), completions = completions + 1
          WHERE order_id = $1 AND item_index = $2`,
        [orderId, index, barista, ms],
        { name: 'barista.brews.done' },
      )
    },

    /** Indexes of the order's items already brewed (a redelivery skips them). */
    async doneItems(orderId: string): Promise<Set<number>> {
      const { rows } = await db.query<{ item_index: number }>(
        `SELECT item_index FROM ${S}.brews WHERE order_id = $1 AND state = 'done'`,
        [orderId],
      )
      return new Set(rows.map((r) => Number(r.item_index)))
    },

    /** Claims the order's ready announcement; false when it was already made. */
    async claimReady(tx: Queryable, orderId: string): Promise<boolean> {
      const inserted = await tx.query(
        `INSERT INTO ${S}.ready (order_id) VALUES ($1) ON CONFLICT DO NOTHING`,
        [orderId],
      )
      return inserted.rowCount > 0
    },

    async brews(tx: Queryable, orderId: string): Promise<BrewRecord[]> {
      const { rows } = await tx.query<BrewRow>(
        `SELECT item_index, type, size, state, barista, brew_ms FROM ${S}.brews WHERE order_id = $1 ORDER BY item_index`,
        [orderId],
      )
      return rows.map((r) => ({
        itemIndex: Number(r.item_index),
        type: r.type,
        size: r.size,
        state: r.state,
        barista: r.barista ?? undefined,
        brewMs: r.brew_ms ?? undefined,
      }))
    },
  }
}

export type BrewStore = ReturnType<typeof createBrewStore>
