// Request checks with the seed's messages, as 400s (the seed answered 500 for an empty name or no
// items, and never checked the size). Bodies that are not JSON objects are refused the same way.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { FieldProblem } from '../../platform/http/index.ts'

export interface OrderRequest {
  name: string
  items: { type: string; size: string }[]
}

export const MAX_ITEMS = 50
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function badRequest(message: string, errors?: FieldProblem[]): BakeryError {
  return new BakeryError(ErrorCode.HTTP_VALIDATION, message, { status: 400, details: errors })
}

export function parseJsonObject(body: Buffer | undefined): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse((body ?? Buffer.alloc(0)).toString('utf8'))
  } catch {
    throw badRequest('could not parse the request body', [{ field: 'body', message: 'is not JSON' }])
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('could not parse the request body', [{ field: 'body', message: 'is not a JSON object' }])
  }
  return value as Record<string, unknown>
}

/** Checks names and shapes; the menu check (type and size) needs the database's menu. */
export function parseOrderRequest(body: Buffer | undefined): OrderRequest {
  const raw = parseJsonObject(body)
  const name = typeof raw.name === 'string' ? raw.name.trim() : ''
  if (name.length === 0 || name.length > 100) {
    throw badRequest('invalid name provided', [{ field: 'name', message: 'must be 1 to 100 characters' }])
  }
  if (!Array.isArray(raw.items) || raw.items.length === 0) {
    throw badRequest('the order cannot be empty', [
      { field: 'items', message: 'must list at least one item' },
    ])
  }
  if (raw.items.length > MAX_ITEMS) {
    throw badRequest(`an order holds at most ${MAX_ITEMS} items`, [{ field: 'items', message: 'too many' }])
  }
  const items = raw.items.map((item: unknown, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
    if (typeof entry.type !== 'string' || entry.type === '') {
      throw badRequest('the requested coffee is not supported yet', [
        { field: `items.${i}.type`, message: 'is required' },
      ])
    }
    if (typeof entry.size !== 'string' || entry.size === '') {
      throw badRequest('the requested size is not supported', [
        { field: `items.${i}.size`, message: 'is required: small, medium or large' },
      ])
    }
    return { type: entry.type.trim().toLowerCase(), size: entry.size.trim().toLowerCase() }
  })
  return { name, items }
}

export function checkOrderId(id: string): void {
  if (!UUID.test(id)) throw badRequest('invalid order id', [{ field: 'id', message: 'must be a UUID' }])
}

/** A new coffee's brew time when the request names none. */
export const DEFAULT_BREW_MS = 5000
export const MAX_BREW_MS = 600_000

export function parseCoffee(body: Buffer | undefined): { name: string; price: number; brewMs: number } {
  const raw = parseJsonObject(body)
  const name = typeof raw.name === 'string' ? raw.name.trim().toLowerCase() : ''
  if (!/^[a-z][a-z -]{0,49}$/.test(name)) {
    throw badRequest('invalid coffee name', [{ field: 'name', message: 'must be 1 to 50 letters' }])
  }
  const price = raw.price
  if (typeof price !== 'number' || !Number.isFinite(price) || price < 0 || price > 1000) {
    throw badRequest('invalid price', [{ field: 'price', message: 'must be a number from 0 to 1000' }])
  }
  const brewMs = raw.brew_ms ?? DEFAULT_BREW_MS
  if (typeof brewMs !== 'number' || !Number.isInteger(brewMs) || brewMs < 0 || brewMs > MAX_BREW_MS) {
    throw badRequest('invalid brew time', [
      { field: 'brew_ms', message: `must be an integer from 0 to ${MAX_BREW_MS} (milliseconds)` },
    ])
  }
  return { name, price, brewMs }
}

const LIST_MAX = 100

/** `?limit=` (1-100, default 20) and `?cursor=` of GET /orders; the cursor is opaque to clients. */
export function parseOrderListQuery(query: Record<string, unknown>): {
  limit: number
  after: string | undefined
} {
  let limit = 20
  if (query.limit !== undefined) {
    const text = typeof query.limit === 'string' ? query.limit : ''
    limit = /^\d{1,3}$/.test(text) ? Number(text) : 0
    if (limit < 1 || limit > LIST_MAX) {
      throw badRequest('invalid limit', [
        { field: 'limit', message: `must be an integer from 1 to ${LIST_MAX}` },
      ])
    }
  }
  let after: string | undefined
  if (query.cursor !== undefined) {
    after = typeof query.cursor === 'string' ? decodeOrderCursor(query.cursor) : undefined
    if (after === undefined)
      throw badRequest('invalid cursor', [{ field: 'cursor', message: 'invalid cursor' }])
  }
  return { limit, after }
}

export function encodeOrderCursor(seq: string): string {
  return Buffer.from(JSON.stringify({ after: seq })).toString('base64url')
}

function decodeOrderCursor(raw: string): string | undefined {
  try {
    const after = (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { after?: unknown } | null)
      ?.after
    return typeof after === 'string' && /^\d{1,18}$/.test(after) ? after : undefined
  } catch {
    return undefined
  }
}
