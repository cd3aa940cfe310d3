// Coffee orders in SQL (schema `coffee`). Status moves forward only:
// awaiting_payment → paid (order.Created published through the outbox) → ready.
import type { Database, Queryable } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
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
  /** From the menu when ordered; the barista brews this long (before BAKE_TIME_SCALE). */
  brewMs?: number
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
  brew_ms: number
}

export interface NewOrder {
  id: string
  customerName: string
  items: StoredItem[]
  total: number
  idempotencyKey?: string | undefined
  idempotencyFingerprint?: string | undefined
}

/** The stored order for this request: new, or the first one with its Idempotency-Key. */
export type InsertOutcome = { created: true; id: string } | { created: false; id: string; reused: boolean }

export interface OrderPage {
  orders: CoffeeOrder[]
  /** The last row's seq, for the next (older) page; absent on the last page. */
  next: string | undefined
}

interface OrderRow {
  seq: string
  id: string
  customer_name: string
  items: StoredItem[] | string
  total: string
  status: OrderStatus
  created_at: Date | string
  paid_at: Date | string | null
  ready_at: Date | string | null
}

const COLUMNS =
  'seq::text AS seq, id::text, customer_name, items, total::text, status, created_at, paid_at, ready_at'

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
        db.query<{ id: number; name: string; price: string; brew_ms: number }>(
          `SELECT id, name, price::text, brew_ms FROM ${S}.coffees ORDER BY id`,
        ),
        db.query<{ name: string; surcharge: string }>(
          `SELECT name, surcharge::text FROM ${S}.sizes ORDER BY position`,
        ),
      ])
      return {
        coffees: coffees.rows.map((r) => ({
          id: Number(r.id),
          name: r.name,
          price: Number(r.price),
          brew_ms: Number(r.brew_ms),
        })),
        sizes: new Map(sizes.rows.map((r) => [r.name, Number(r.surcharge)])),
      }
    },

    async addCoffee(name: string, price: number, brewMs: number): Promise<MenuEntry | undefined> {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO ${S}.coffees (name, price, brew_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id`,
        [name, price.toFixed(2), brewMs],
      )
      return rows[0] ? { id: Number(rows[0].id), name, price, brew_ms: brewMs } : undefined
    },

    /** Inserts the order, unless its Idempotency-Key names one already stored. */
    async insert(tx: Queryable, order: NewOrder): Promise<InsertOutcome> {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO ${S}.orders (id, customer_name, items, total, idempotency_key, idempotency_fingerprint)
          VALUES ($1, $2, $3::jsonb, $4, $5, $6)
          ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id::text`,
        [
          order.id,
          order.customerName,
          JSON.stringify(order.items),
          order.total.toFixed(2),
          order.idempotencyKey ?? null,
          order.idempotencyFingerprint ?? null,
        ],
        { name: 'coffee.orders.insert' },
      )
      if (rows.length > 0) return { created: true, id: order.id }
      const first = await tx.query<{ id: string; idempotency_fingerprint: string | null }>(
        `SELECT id::text, idempotency_fingerprint FROM ${S}.orders WHERE idempotency_key = $1`,
        [order.idempotencyKey ?? null],
      )
      const row = first.rows[0]
      if (!row) throw new BakeryError(ErrorCode.INTERNAL, `order ${order.id} was neither inserted nor found`)
      const reused =
        row.idempotency_fingerprint !== null && row.idempotency_fingerprint !== order.idempotencyFingerprint
      return { created: false, id: row.id, reused }
    },

    /** Newest first, `limit` per page; `after` is the seq of the previous page's last order. */
    async list(limit: number, after: string | undefined): Promise<OrderPage> {
      const { rows } =
        after === undefined
          ? await db.query<OrderRow>(
              `SELECT ${COLUMNS} FROM ${S}.orders ORDER BY seq DESC LIMIT $1`,
              [limit + 1],
              {
                name: 'coffee.orders.list',
              },
            )
          : await db.query<OrderRow>(
              `SELECT ${COLUMNS} FROM ${S}.orders WHERE seq < $2::bigint ORDER BY seq DESC LIMIT $1`,
              [limit + 1, after],
              { name: 'coffee.orders.list_after' },
            )
      const page = rows.slice(0, limit)
      return { orders: page.map(toOrder), next: rows.length > limit ? page.at(-1)?.seq : undefined }
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
