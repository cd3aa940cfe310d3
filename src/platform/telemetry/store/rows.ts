// Stored spans and log records as SQLite rows, and the records the store answers with. Times are
// whole microseconds since the epoch, so OTLP nanoseconds survive an export → import → export round
// trip unchanged. No runtime imports: the dashboard's web app takes the record types from here.
import type { AttributeValue, StoredSpan } from '../span-store.ts'

export type Attributes = Record<string, AttributeValue>

/** Attributes that name an order (bakery order key, coffee order id), indexed for order search. */
export const ORDER_KEY_ATTRIBUTES = [
  'bakery.order_key',
  'baker.order_key',
  'db.order_key',
  'coffee.order_id',
  'order_key',
] as const

export const KIND_CODES: Record<StoredSpan['kind'], number> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
}
export const KIND_NAMES: readonly StoredSpan['kind'][] = [
  'internal',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
]
export const STATUS_CODES: Record<StoredSpan['status'], number> = { unset: 0, ok: 1, error: 2 }
export const STATUS_NAMES: readonly StoredSpan['status'][] = ['unset', 'ok', 'error']

export interface SpanRow {
  rowid?: number | bigint
  run: number
  trace_id: string
  span_id: string
  parent_id: string | null
  name: string
  kind: number
  service: string
  start_us: number
  duration_us: number
  status: number
  status_message: string | null
  attributes: string
  events: string | null
  links: string | null
  resource: number
  order_key: string | null
}

export function orderKeyOf(attributes: Attributes): string | null {
  for (const key of ORDER_KEY_ATTRIBUTES) {
    const value = attributes[key]
    if (typeof value === 'string' && value !== '') return value
  }
  return null
}

export const msToUs = (ms: number): number => Math.round(ms * 1000)

export function spanToRow(span: StoredSpan, run: number, resource: number): SpanRow {
  const startUs = msToUs(span.startTimeMs)
  return {
    run,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_id: span.parentSpanId ?? null,
    name: span.name,
    kind: KIND_CODES[span.kind],
    service: span.service,
    start_us: startUs,
    duration_us: msToUs(span.startTimeMs + span.durationMs) - startUs,
    status: STATUS_CODES[span.status],
    status_message: span.statusMessage ?? null,
    attributes: JSON.stringify(span.attributes),
    events:
      span.events.length === 0
        ? null
        : JSON.stringify(span.events.map((e) => ({ ...e, timeMs: undefined, timeUs: msToUs(e.timeMs) }))),
    links: span.links.length === 0 ? null : JSON.stringify(span.links),
    resource,
    order_key: orderKeyOf(span.attributes),
  }
}

interface EventJson {
  name: string
  timeUs: number
  attributes: Attributes
}

export function rowToSpan(row: SpanRow): StoredSpan {
  const events = row.events ? (JSON.parse(row.events) as EventJson[]) : []
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_id ?? undefined,
    name: row.name,
    kind: KIND_NAMES[row.kind] ?? 'internal',
    service: row.service,
    startTimeMs: row.start_us / 1000,
    durationMs: row.duration_us / 1000,
    status: STATUS_NAMES[row.status] ?? 'unset',
    statusMessage: row.status_message ?? undefined,
    attributes: JSON.parse(row.attributes) as Attributes,
    events: events.map((e) => ({ name: e.name, timeMs: e.timeUs / 1000, attributes: e.attributes })),
    links: row.links ? (JSON.parse(row.links) as StoredSpan['links']) : [],
  }
}

/** Pino's numeric levels. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const
export type LogLevelName = keyof typeof LOG_LEVELS

export function levelName(level: number): LogLevelName {
  let name: LogLevelName = 'trace'
  for (const [n, v] of Object.entries(LOG_LEVELS) as [LogLevelName, number][]) if (level >= v) name = n
  return name
}

export interface LogInput {
  timeUs: number
  level: number
  service: string
  message: string
  traceId?: string | undefined
  spanId?: string | undefined
  orderKey?: string | undefined
  attributes: Attributes
  resource?: Attributes | undefined
}

export interface LogRecord {
  run: number
  timeMs: number
  level: LogLevelName
  service: string
  message: string
  traceId: string | null
  spanId: string | null
  orderKey: string | null
  attributes: Attributes
}

export interface LogRow {
  run: number
  time_us: number
  level: number
  service: string
  message: string
  trace_id: string | null
  span_id: string | null
  order_key: string | null
  attributes: string
}

export function rowToLog(row: LogRow): LogRecord {
  return {
    run: row.run,
    timeMs: row.time_us / 1000,
    level: levelName(row.level),
    service: row.service,
    message: row.message,
    traceId: row.trace_id,
    spanId: row.span_id,
    orderKey: row.order_key,
    attributes: JSON.parse(row.attributes) as Attributes,
  }
}

export interface RunInfo {
  id: number
  startedMs: number
  endedMs: number | null
  source: 'live' | 'import'
  label: string
  spans: number
  logs: number
  snapshots: number
}

export interface ExemplarRecord {
  run: number
  timeMs: number
  service: string
  metric: string
  value: number
  traceId: string
  spanId: string
  orderKey: string | null
}
