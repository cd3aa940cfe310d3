// Coffee orders in SQL (schema `coffee`). Status moves forward only:
// awaiting_payment → paid (order.Created published through the outbox) → ready.
import type { Database, Queryable } from '../../platform/db/index.ts'
import { COFFEE_SCHEMA as S } from './migrations.ts'

export const OrderStatus = {
  awaitingPayment: 'awaiting_payment',
  paymentDeclined: 'payment_declined',
  paid: 'paid',
  ready: 'ready',
} as const
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus]

export interface StoredItem {
  type: string
  size: string
  price: number
  state: 'pending' | 'ready'
  barista?: string
}

export interface CoffeeOrder {
  id: string
  customerName: string
  items: StoredItem[]
  total: number
  status: OrderStatus
  createdAt: Date
  paidAt: Date | undefined
  readyAt: Date | undefined
}

export interface MenuEntry {
  id: number
  name: string
  price: number
}

interface OrderRow {
  id: string
  customer_name: string
  items: StoredItem[] | string
  total: string
  status: OrderStatus
  created_at: Date | string
  paid_at: Date | string | null
  ready_at: Date | string | null
}

const COLUMNS = 'id::text, customer_name, items, total::text, status, created_at, paid_at, ready_at'

function toOrder(row: OrderRow): CoffeeOrder {
  const date = (v: Date | string | null) => (v === null ? undefined : new Date(v))
  return {
    id: row.id,
    customerName: row.customer_name,
    items: typeof row.items === 'string' ? JSON.parse(row.items) : row.items,
    total: Number(row.total),
    status: row.status,
    createdAt: new Date(row.created_at),
    paidAt: date(row.paid_at),
    readyAt: date(row.ready_at),
  }
}

export interface Menu {
  coffees: MenuEntry[]
  sizes: Map<string, number>
}

export function createCoffeeStore(db: Database) {
  return {
    async menu(): Promise<Menu> {
      const [coffees, sizes] = await Promise.all([
        db.query<{ id: number; name: string; price: string }>(
          `SELECT id, name, price::text FROM ${S}.coffees ORDER BY id`,
        ),
        db.query<{ name: string; surcharge: string }>(
          `SELECT name, surcharge::text FROM ${S}.sizes ORDER BY position`,
        ),
      ])
      return {
        coffees: coffees.rows.map((r) => ({ id: Number(r.id), name: r.name, price: Number(r.price) })),
        sizes: new Map(sizes.rows.map((r) => [r.name, Number(r.surcharge)])),
      }
    },

    async addCoffee(name: string, price: number): Promise<MenuEntry | undefined> {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO ${S}.coffees (name, price) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id`,
        [name, price.toFixed(2)],
      )
      return rows[0] ? { id: Number(rows[0].id), name, price } : undefined
    },

    async insert(tx: Queryable, order: Pick<CoffeeOrder, 'id' | 'customerName' | 'items' | 'total'>) {
      const { rows } = await tx.query<{ created_at: Date | string }>(
        `INSERT INTO ${S}.orders (id, customer_name, items, total) VALUES ($1, $2, $3::jsonb, $4) RETURNING created_at`,
        [order.id, order.customerName, JSON.stringify(order.items), order.total.toFixed(2)],
        { name: 'coffee.orders.insert' },
      )
      return new Date(rows[0]?.created_at ?? Date.now())
    },

    async get(id: string): Promise<CoffeeOrder | undefined> {
      const { rows } = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM ${S}.orders WHERE id = $1`, [id], {
        name: 'coffee.orders.get',
      })
      return rows[0] ? toOrder(rows[0]) : undefined
    },

    /** Orders still waiting for payments, oldest first, older than `minAgeMs` (the fast path's turn). */
    async awaitingPayment(limit: number, minAgeMs: number): Promise<CoffeeOrder[]> {
      const { rows } = await db.query<OrderRow>(
        `SELECT ${COLUMNS} FROM ${S}.orders
          WHERE status = 'awaiting_payment' AND created_at < now() - make_interval(secs => $2::double precision)
          ORDER BY created_at LIMIT $1`,
        [limit, minAgeMs / 1000],
      )
      return rows.map(toOrder)
    },

    async countAwaitingPayment(): Promise<number> {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${S}.orders WHERE status = 'awaiting_payment'`,
      )
      return Number(rows[0]?.n ?? 0)
    },

    /** awaiting_payment → `to`; false when another path already moved it (forward only). */
    async settlePayment(tx: Queryable, id: string, to: OrderStatus): Promise<boolean> {
      const { rowCount } = await tx.query(
        `UPDATE ${S}.orders SET status = $2, paid_at = now(), payment_attempts = payment_attempts + 1
          WHERE id = $1 AND status = 'awaiting_payment'`,
        [id, to],
        { name: 'coffee.orders.settle' },
      )
      return rowCount > 0
    },

    async notePaymentAttempt(id: string): Promise<void> {
      await db.query(`UPDATE ${S}.orders SET payment_attempts = payment_attempts + 1 WHERE id = $1`, [id])
    },

    /** paid → ready with who brewed each item; 'unknown' when no such order, 'already' when done. */
    async markReady(id: string, brewers: readonly string[]): Promise<'ready' | 'already' | 'unknown'> {
      const { rows } = await db.query<{ status: string }>(
        `UPDATE ${S}.orders o SET status = 'ready', ready_at = now(),
            items = (SELECT jsonb_agg(item || jsonb_build_object('state', 'ready',
                       'barista', coalesce(($2::text[])[ord::int], '')) ORDER BY ord)
                     FROM jsonb_array_elements(o.items) WITH ORDINALITY AS t(item, ord))
          WHERE id = $1 AND status = 'paid' RETURNING status`,
        [id, brewers],
        { name: 'coffee.orders.ready' },
      )
      if (rows.length > 0) return 'ready'
      const existing = await db.query<{ status: string }>(`SELECT status FROM ${S}.orders WHERE id = $1`, [
        id,
      ])
      return existing.rows.length === 0 ? 'unknown' : 'already'
    },
  }
}

export type CoffeeStore = ReturnType<typeof createCoffeeStore>
