// The order store on the database port: the same parameterised SQL on PostgreSQL and PGlite.
// Every write takes a batch (unnest arrays), so callers group concurrent work into one statement.
// Status only moves forward: pending → baking → finished; a redelivery cannot move it back.

import type { Database, Queryable } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { type OutboxEntry, outboxInsert } from '../../platform/outbox/index.ts'
import type { OrderStatus } from './view.ts'

export type { OrderStatus }
export const ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'baking', 'finished']

export interface OrderRecord {
  seq: string
  orderKey: string
  customer: string
  pastry: string
  orderTime: Date
  status: OrderStatus
  finishedTime: Date | null
}

export interface NewOrder {
  orderKey: string
  customer: string
  pastry: string
  orderTime: Date
  idempotencyKey: string | undefined
  /** Digest of the request's payload, compared when the key is used again. */
  idempotencyFingerprint?: string | undefined
}

export interface Claimed {
  pastry: string
  customer: string
  orderTime: Date
  bakes: number
}

export interface OrderPage {
  orders: OrderRecord[]
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor: string | undefined
}

export interface OrderStore {
  /**
   * Inserts orders and, for each one created, its outbox message (messageId = orderKey) in ONE
   * statement: atomic without BEGIN/COMMIT round trips. Replays of an idempotency key yield the
   * existing key, created=false and no message; `reused` when that first order had another payload.
   */
  insertWithOutbox(
    orders: readonly NewOrder[],
    messages: readonly OutboxEntry['message'][],
  ): Promise<{ orderKey: string; created: boolean; outboxId: string | undefined; reused?: boolean }[]>
  get(orderKey: string): Promise<OrderRecord | undefined>
  list(query: { status?: OrderStatus; limit: number; cursor?: string }): Promise<OrderPage>
  /** Moves pending (or re-delivered baking) orders to baking; finished and unknown keys are absent. */
  claim(keys: readonly string[]): Promise<Map<string, Claimed>>
  /** Moves baking orders to finished; returns the keys that moved. */
  finish(keys: readonly string[], at: Date): Promise<Set<string>>
  /**
   * `claim(claimKeys)` and `finish(finishKeys, at)` in ONE statement (one round trip, one commit):
   * a baker claims new orders while it finishes earlier ones. A key in both lists is only finished
   * (one statement must not update a row twice); its claim is absent, as for a finished order.
   */
  advance(
    claimKeys: readonly string[],
    finishKeys: readonly string[],
    at: Date,
  ): Promise<{ claimed: Map<string, Claimed>; finished: Set<string> }>
}

interface Row {
  seq: string
  order_key: string
  customer: string
  pastry: string
  order_time: Date | string
  status: OrderStatus
  finished_time: Date | string | null
}

interface ClaimRow {
  order_key: string
  pastry: string
  customer: string
  order_time: Date | string
  bakes: number
}

function toClaimed(r: ClaimRow): Claimed {
  return { pastry: r.pastry, customer: r.customer, orderTime: new Date(r.order_time), bakes: Number(r.bakes) }
}

const COLUMNS = 'seq::text AS seq, order_key, customer, pastry, order_time, status, finished_time'

function toRecord(row: Row): OrderRecord {
  return {
    seq: row.seq,
    orderKey: row.order_key,
    customer: row.customer,
    pastry: row.pastry,
    orderTime: new Date(row.order_time),
    status: row.status,
    finishedTime: row.finished_time === null ? null : new Date(row.finished_time),
  }
}

export function createOrderStore(db: Database, schema = 'bakery'): OrderStore {
  const orders = `${schema}.orders`
  const outbox = outboxInsert(schema, 7, 'WHERE m IN (SELECT order_key FROM new_orders)')
  const insertWithOutboxSql = `WITH new_orders AS (
      INSERT INTO ${orders} (order_key, customer, pastry, order_time, status, idempotency_key, idempotency_fingerprint)
        SELECT k, c, p, t, 'pending', i, f
          FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[]) AS u(k, c, p, t, i, f)
        ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        RETURNING order_key
    ), new_outbox AS (${outbox.sql} RETURNING id, message_id)
    SELECT message_id AS order_key, id::text AS id FROM new_outbox`

  const claimSet = `SET status = 'baking', baking_time = now(), bakes = bakes + 1`
  const claimReturning = 'RETURNING order_key, pastry, customer, order_time, bakes'
  // Finish before claim only in the text: both see one snapshot; `NOT ... ANY($2)` keeps them apart.
  const advanceSql = `WITH finished AS (
      UPDATE ${orders} SET status = 'finished', finished_time = $3
        WHERE order_key = ANY($2::text[]) AND status = 'baking'
        RETURNING order_key
    ), claimed AS (
      UPDATE ${orders} ${claimSet}
        WHERE order_key = ANY($1::text[]) AND NOT (order_key = ANY($2::text[]))
          AND status IN ('pending', 'baking')
        ${claimReturning}
    )
    SELECT true AS claim, order_key, pastry, customer, order_time, bakes FROM claimed
    UNION ALL SELECT false, order_key, NULL, NULL, NULL, NULL FROM finished`

  // Newest first by orderTime, seq breaking ties, so the order is total and pages are stable
  // (keyset on the index (order_time, seq)). The cursor is the last row's seq; the row's
  // order_time is read back in SQL, so it keeps full precision and the cursor stays opaque.
  // ORDER BY names `o.seq`: a bare `seq` is the text output column (lexical order, '9' > '10').
  const newestFirst = 'ORDER BY o.order_time DESC, o.seq DESC'
  const firstPageSql = `SELECT ${COLUMNS} FROM ${orders} o
    WHERE ($1::text IS NULL OR o.status = $1) ${newestFirst} LIMIT $2`
  const nextPageSql = `SELECT ${COLUMNS} FROM ${orders} o
    WHERE ($1::text IS NULL OR o.status = $1)
      AND (o.order_time, o.seq) < ((SELECT c.order_time FROM ${orders} c WHERE c.seq = $2::bigint), $2::bigint)
    ${newestFirst} LIMIT $3`

  async function existingKeys(
    q: Queryable,
    idempotencyKeys: string[],
  ): Promise<Map<string, { orderKey: string; fingerprint: string | null }>> {
    const found = await q.query<{
      idempotency_key: string
      order_key: string
      idempotency_fingerprint: string | null
    }>(
      `SELECT idempotency_key, order_key, idempotency_fingerprint FROM ${orders} WHERE idempotency_key = ANY($1::text[])`,
      [idempotencyKeys],
    )
    return new Map(
      found.rows.map((r) => [
        r.idempotency_key,
        { orderKey: r.order_key, fingerprint: r.idempotency_fingerprint },
      ]),
    )
  }

  async function claim(keys: readonly string[]): Promise<Map<string, Claimed>> {
    const { rows } = await db.query<ClaimRow>(
      `UPDATE ${orders} ${claimSet}
        WHERE order_key = ANY($1::text[]) AND status IN ('pending', 'baking')
        ${claimReturning}`,
      [keys],
      { name: `${schema}.orders.claim` },
    )
    return new Map(rows.map((r) => [r.order_key, toClaimed(r)]))
  }

  async function finish(keys: readonly string[], at: Date): Promise<Set<string>> {
    const { rows } = await db.query<{ order_key: string }>(
      `UPDATE ${orders} SET status = 'finished', finished_time = $2
        WHERE order_key = ANY($1::text[]) AND status = 'baking'
        RETURNING order_key`,
      [keys, at.toISOString()],
      { name: `${schema}.orders.finish` },
    )
    return new Set(rows.map((r) => r.order_key))
  }

  return {
    async insertWithOutbox(batch, messages) {
      if (batch.length === 0) return []
      const { rows } = await db.query<{ order_key: string; id: string }>(
        insertWithOutboxSql,
        [
          batch.map((o) => o.orderKey),
          batch.map((o) => o.customer),
          batch.map((o) => o.pastry),
          batch.map((o) => o.orderTime.toISOString()),
          batch.map((o) => o.idempotencyKey ?? null),
          batch.map((o) => o.idempotencyFingerprint ?? null),
          ...outbox.params(messages),
        ],
        { name: `${schema}.orders.insert_with_outbox` },
      )
      const created = new Map(rows.map((r) => [r.order_key, r.id]))
      const replays = batch.filter((o) => !created.has(o.orderKey) && o.idempotencyKey !== undefined)
      const existing =
        replays.length > 0
          ? await existingKeys(
              db,
              replays.map((o) => o.idempotencyKey as string),
            )
          : new Map<string, { orderKey: string; fingerprint: string | null }>()
      return batch.map((o) => {
        const outboxId = created.get(o.orderKey)
        if (outboxId !== undefined) return { orderKey: o.orderKey, created: true, outboxId }
        const first = o.idempotencyKey === undefined ? undefined : existing.get(o.idempotencyKey)
        if (!first)
          throw new BakeryError(ErrorCode.INTERNAL, `order ${o.orderKey} was neither inserted nor found`, {
            retryable: true,
          })
        // A first order stored before fingerprints existed has none: it is taken as the same payload.
        const reused =
          first.fingerprint !== null &&
          o.idempotencyFingerprint !== undefined &&
          first.fingerprint !== o.idempotencyFingerprint
        return { orderKey: first.orderKey, created: false, outboxId: undefined, reused }
      })
    },

    async get(orderKey) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM ${orders} WHERE order_key = $1`,
        [orderKey],
        {
          name: `${schema}.orders.get`,
        },
      )
      return rows[0] ? toRecord(rows[0]) : undefined
    },

    async list({ status, limit, cursor }) {
      const { rows } =
        cursor === undefined
          ? await db.query<Row>(firstPageSql, [status ?? null, limit + 1])
          : await db.query<Row>(nextPageSql, [status ?? null, cursor, limit + 1])
      const page = rows.slice(0, limit).map(toRecord)
      return { orders: page, nextCursor: rows.length > limit ? page.at(-1)?.seq : undefined }
    },

    claim,
    finish,

    async advance(claimKeys, finishKeys, at) {
      if (finishKeys.length === 0) return { claimed: await claim(claimKeys), finished: new Set() }
      if (claimKeys.length === 0) return { claimed: new Map(), finished: await finish(finishKeys, at) }
      const { rows } = await db.query<ClaimRow & { claim: boolean }>(
        advanceSql,
        [claimKeys, finishKeys, at.toISOString()],
        { name: `${schema}.orders.advance` },
      )
      const claimed = new Map<string, Claimed>()
      const finished = new Set<string>()
      for (const r of rows) {
        if (r.claim) claimed.set(r.order_key, toClaimed(r))
        else finished.add(r.order_key)
      }
      return { claimed, finished }
    },
  }
}
