// Request checks of the order API. Every 400 names the field, as the HTTP error body does.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { FieldProblem } from '../../platform/http/error-handler.ts'
import { isPastry, PASTRIES } from '../orders/menu.ts'
import { ORDER_KEY } from '../orders/message.ts'
import { ORDER_STATUSES, type OrderStatus } from '../orders/store.ts'

export const CUSTOMER_MAX = 100
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/
const CURSOR = /^[1-9]\d{0,17}$/

export function invalid(problems: FieldProblem[]): BakeryError {
  return new BakeryError(
    ErrorCode.HTTP_VALIDATION,
    problems.map((p) => `${p.field} ${p.message}`).join('; '),
    {
      status: 400,
      details: problems,
    },
  )
}

/**
 * The seed reads any content type as JSON and ignores extra fields; so do we. Takes the raw body,
 * or the value the content-type parser already parsed (anything but a Buffer, string or undefined).
 */
export function parseOrderBody(raw: unknown): { customer: string; pastry: string } {
  const body = raw === undefined || typeof raw === 'string' || Buffer.isBuffer(raw) ? parseJson(raw) : raw
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid([{ field: 'body', message: 'must be a JSON object' }])
  }
  const { customer, pastry } = body as Record<string, unknown>
  const problems: FieldProblem[] = []
  if (customer === undefined || customer === null)
    problems.push({ field: 'customer', message: 'is required' })
  else if (typeof customer !== 'string') problems.push({ field: 'customer', message: 'must be a string' })
  else if (customer.trim().length === 0) problems.push({ field: 'customer', message: 'must not be empty' })
  else if (customer.length > CUSTOMER_MAX) {
    problems.push({ field: 'customer', message: `must be at most ${CUSTOMER_MAX} characters` })
  }
  if (pastry === undefined || pastry === null) problems.push({ field: 'pastry', message: 'is required' })
  else if (typeof pastry !== 'string') problems.push({ field: 'pastry', message: 'must be a string' })
  else if (!isPastry(pastry)) {
    problems.push({ field: 'pastry', message: `must be one of: ${PASTRIES.join(', ')}` })
  }
  if (problems.length > 0) throw invalid(problems)
  return { customer: customer as string, pastry: pastry as string }
}

function parseJson(raw: Buffer | string | undefined): unknown {
  const text = raw === undefined ? '' : raw.toString()
  if (text.trim() === '')
    throw invalid([{ field: 'body', message: 'is empty; expected {"customer","pastry"}' }])
  try {
    return JSON.parse(text)
  } catch {
    throw invalid([{ field: 'body', message: 'is not valid JSON' }])
  }
}

export function checkOrderKey(key: string): void {
  if (!ORDER_KEY.test(key)) throw invalid([{ field: 'key', message: 'must be 32 lowercase hex digits' }])
}

export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw invalid([{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }])
  }
  return header
}

export function parseListQuery(query: Record<string, unknown>): {
  status?: OrderStatus
  limit: number
  cursor?: string
} {
  const problems: FieldProblem[] = []
  const out: { status?: OrderStatus; limit: number; cursor?: string } = { limit: 20 }
  const { status, limit, cursor } = query
  if (status !== undefined && status !== '') {
    if (typeof status === 'string' && (ORDER_STATUSES as readonly string[]).includes(status)) {
      out.status = status as OrderStatus
    } else problems.push({ field: 'status', message: `must be one of: ${ORDER_STATUSES.join(', ')}` })
  }
  if (limit !== undefined && limit !== '') {
    const n = typeof limit === 'string' && /^\d{1,3}$/.test(limit) ? Number(limit) : Number.NaN
    if (n >= 1 && n <= 100) out.limit = n
    else problems.push({ field: 'limit', message: 'must be an integer from 1 to 100' })
  }
  if (cursor !== undefined && cursor !== '') {
    if (typeof cursor === 'string' && CURSOR.test(cursor)) out.cursor = cursor
    else problems.push({ field: 'cursor', message: 'is not a cursor returned by this API' })
  }
  if (problems.length > 0) throw invalid(problems)
  return out
}
