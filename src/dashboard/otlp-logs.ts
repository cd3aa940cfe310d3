// OTLP log requests (ExportLogsServiceRequest, protobuf and JSON) turned into telemetry-store log
// records, so Bakery services running in other processes or pods send their pino lines to the
// dashboard's Logs page and order signals. Same caps and 400s as the trace receiver.
import type { LogInput } from '../platform/telemetry/store/index.ts'
import {
  type Attributes,
  asArray,
  clip,
  fieldsOf,
  invalid,
  jsonAnyValue,
  jsonAttributes,
  jsonResource,
  nanos,
  OTLP_LIMITS,
  protoAnyValue,
  protoAttributes,
  protoResource,
  serviceOf,
  text,
} from './otlp-attributes.ts'
import { asBigInt, asBytes, asHex, asString, type Field, fields } from './protobuf-reader.ts'

const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/
const ZERO = /^0+$/
// Attributes that name an order, as pino records carry them (the first one found wins).
const ORDER_FIELDS = ['order_key', 'orderKey', 'orderId', 'order_id'] as const
const PINO_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }

/** OTLP SeverityNumber (1–24, four per level) or severity text as a pino level; INFO otherwise. */
export function pinoLevel(severityNumber: number, severityText: string): number {
  if (severityNumber >= 1 && severityNumber <= 24) return Math.floor((severityNumber - 1) / 4) * 10 + 10
  const named = PINO_LEVELS[severityText.trim().toLowerCase()]
  if (named !== undefined) return named
  if (severityText.trim().toLowerCase() === 'warning') return 40
  return 30
}

const id = (value: string, pattern: RegExp): string | undefined =>
  pattern.test(value) && !ZERO.test(value) ? value : undefined

function orderKeyOf(attributes: Attributes): string | undefined {
  for (const field of ORDER_FIELDS) {
    const value = attributes[field]
    if (typeof value === 'string' && value !== '') return value
  }
  return undefined
}

const bodyText = (value: Attributes[string]): string =>
  typeof value === 'string' ? value : clip(JSON.stringify(value))

function timeUs(time: bigint, observed: bigint): number {
  const nanos = time > 0n ? time : observed
  // A missing or absurd time (past year 9999) is the receiving time: it still sorts with its run.
  const us = Number(nanos / 1000n)
  return nanos > 0n && us < 253_402_300_800_000_000 ? us : Date.now() * 1000
}

function record(
  parts: {
    time: bigint
    observed: bigint
    severityNumber: number
    severityText: string
    body: string
    attributes: Attributes
    traceId: string
    spanId: string
  },
  service: string,
  resource: Attributes,
): LogInput {
  return {
    timeUs: timeUs(parts.time, parts.observed),
    level: pinoLevel(parts.severityNumber, parts.severityText),
    service,
    message: parts.body,
    traceId: id(parts.traceId, TRACE_ID),
    spanId: id(parts.spanId, SPAN_ID),
    orderKey: orderKeyOf(parts.attributes),
    attributes: parts.attributes,
    resource,
  }
}

// ---------- protobuf (opentelemetry.proto.logs.v1)

function protoLog(buf: Uint8Array, service: string, resource: Attributes): LogInput {
  const parts = {
    time: 0n,
    observed: 0n,
    severityNumber: 0,
    severityText: '',
    body: '',
    attributes: {} as Attributes,
    traceId: '',
    spanId: '',
  }
  const attributes: Field[] = []
  for (const f of fields(buf)) {
    if (f.number === 1) parts.time = asBigInt(f)
    else if (f.number === 11) parts.observed = asBigInt(f)
    else if (f.number === 2) parts.severityNumber = Number(asBigInt(f) & 0xffn)
    else if (f.number === 3) parts.severityText = clip(asString(f))
    else if (f.number === 5) parts.body = bodyText(protoAnyValue(asBytes(f), 0))
    else if (f.number === 6 && attributes.length < OTLP_LIMITS.maxAttributes) attributes.push(f)
    else if (f.number === 9) parts.traceId = asHex(f)
    else if (f.number === 10) parts.spanId = asHex(f)
  }
  parts.attributes = protoAttributes(attributes)
  return record(parts, service, resource)
}

/** Decodes an ExportLogsServiceRequest. */
export function decodeOtlpLogsProtobuf(body: Uint8Array): LogInput[] {
  const logs: LogInput[] = []
  for (const resourceLogs of fieldsOf(body, 1)) {
    let resource: Attributes = {}
    const scopes: Field[] = []
    for (const f of fields(asBytes(resourceLogs))) {
      if (f.number === 1) resource = protoResource(f)
      else if (f.number === 2) scopes.push(f)
    }
    const service = serviceOf(resource)
    for (const scope of scopes) {
      for (const r of fieldsOf(asBytes(scope), 2)) logs.push(protoLog(asBytes(r), service, resource))
    }
  }
  return logs
}

// ---------- JSON

function jsonLog(raw: Record<string, unknown>, service: string, resource: Attributes): LogInput {
  const severity = typeof raw.severityNumber === 'number' ? raw.severityNumber : 0
  // The JSON mapping may also spell the enum by name (SEVERITY_NUMBER_WARN).
  const severityText =
    text(raw.severityText) ||
    (typeof raw.severityNumber === 'string' ? raw.severityNumber.replace(/^SEVERITY_NUMBER_/, '') : '')
  return record(
    {
      time: nanos(raw.timeUnixNano),
      observed: nanos(raw.observedTimeUnixNano),
      severityNumber: Number.isInteger(severity) ? severity : 0,
      severityText: severityText.replace(/\d+$/, ''),
      body: raw.body === undefined ? '' : bodyText(jsonAnyValue(raw.body, 0)),
      attributes: jsonAttributes(raw.attributes),
      traceId: text(raw.traceId).toLowerCase(),
      spanId: text(raw.spanId).toLowerCase(),
    },
    service,
    resource,
  )
}

/** Decodes the JSON form of an ExportLogsServiceRequest. */
export function decodeOtlpLogsJson(body: unknown): LogInput[] {
  if (!body || typeof body !== 'object') throw invalid('OTLP JSON body must be an object')
  const logs: LogInput[] = []
  for (const rl of asArray((body as Record<string, unknown>).resourceLogs)) {
    const resource = jsonResource(rl.resource)
    const service = serviceOf(resource)
    for (const scope of asArray(rl.scopeLogs)) {
      for (const raw of asArray(scope.logRecords)) logs.push(jsonLog(raw, service, resource))
    }
  }
  return logs
}
