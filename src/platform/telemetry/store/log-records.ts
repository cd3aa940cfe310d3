// Pino records (as parsed JSON lines) into the store's log records: the standard fields become
// columns (time, level, service, trace, span, order key), every other field an attribute.
import { type Attributes, LOG_LEVELS, type LogInput } from './rows.ts'

const COLUMNS = new Set(['time', 'level', 'msg', 'service', 'trace_id', 'span_id', 'pid', 'hostname'])
const ORDER_FIELDS = ['order_key', 'orderKey', 'orderId', 'order_id'] as const

function timeUs(value: unknown): number {
  if (typeof value === 'number') return Math.round(value * 1000)
  if (typeof value === 'string') {
    const ms = Date.parse(value)
    if (Number.isFinite(ms)) return ms * 1000
  }
  return Date.now() * 1000
}

function levelNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value in LOG_LEVELS) return LOG_LEVELS[value as keyof typeof LOG_LEVELS]
  return LOG_LEVELS.info
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

export function logInputOf(record: Record<string, unknown>): LogInput {
  const attributes: Attributes = {}
  for (const key in record) {
    if (COLUMNS.has(key)) continue
    const value = record[key]
    if (value === null || value === undefined) continue
    attributes[key] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value)
  }
  let orderKey: string | undefined
  for (const field of ORDER_FIELDS) {
    orderKey = text(record[field])
    if (orderKey) break
  }
  return {
    timeUs: timeUs(record.time),
    level: levelNumber(record.level),
    service: text(record.service) ?? 'bakery',
    message: typeof record.msg === 'string' ? record.msg : '',
    traceId: text(record.trace_id),
    spanId: text(record.span_id),
    orderKey,
    attributes,
  }
}
