// OTLP/HTTP trace requests (http/protobuf and http/json) turned into span-store records, so
// Bakery processes running apart can send their spans to the dashboard's trace viewer.
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { AttributeValue, StoredSpan } from '../platform/telemetry/index.ts'
import {
  asBigInt,
  asBytes,
  asDouble,
  asHex,
  asInt64,
  asString,
  type Field,
  fields,
} from './protobuf-reader.ts'

type SpanKindName = StoredSpan['kind']
type Attributes = Record<string, AttributeValue>
// OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer']
const STATUSES: readonly StoredSpan['status'][] = ['unset', 'ok', 'error']

function invalid(message: string, field = 'body'): BakeryError {
  return new BakeryError(ErrorCode.HTTP_VALIDATION, message, { status: 400, details: [{ field, message }] })
}

// Caps of one span, as the OTel SDK's attribute limits: one request may fill the body limit, but
// what it leaves in memory is bounded, and nesting never costs more stack than MAX_DEPTH frames.
export const OTLP_LIMITS = {
  /** Nesting of array/kvlist values; deeper is refused (400), never recursed into. */
  maxDepth: 8,
  /** Characters kept of a string value (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT style truncation). */
  maxValueLength: 4096,
  /** Attributes kept per span, event or link; array items kept per value. */
  maxAttributes: 128,
  /** Events and links kept per span. */
  maxEvents: 128,
} as const

const clip = (text: string) =>
  text.length > OTLP_LIMITS.maxValueLength ? text.slice(0, OTLP_LIMITS.maxValueLength) : text

function tooDeep(): BakeryError {
  return invalid(`attribute values nest deeper than ${OTLP_LIMITS.maxDepth} levels`, 'attributes')
}

const nanosToMs = (nanos: bigint): number => Number(nanos / 1000n) / 1000

// ---------- http/protobuf

function protoAnyValue(buf: Uint8Array, depth: number): AttributeValue {
  if (depth > OTLP_LIMITS.maxDepth) throw tooDeep()
  for (const f of fields(buf)) {
    if (f.number === 1) return clip(asString(f))
    if (f.number === 2) return asBigInt(f) !== 0n
    if (f.number === 3) return asInt64(f)
    if (f.number === 4) return asDouble(f)
    if (f.number === 5) {
      const values: (string | number | boolean)[] = []
      for (const v of fields(asBytes(f))) {
        if (values.length >= OTLP_LIMITS.maxAttributes) break
        const item = protoAnyValue(asBytes(v), depth + 1)
        values.push(Array.isArray(item) ? clip(JSON.stringify(item)) : (item as string | number | boolean))
      }
      return values
    }
    if (f.number === 6) return clip(JSON.stringify(protoAttributes(fieldsOf(asBytes(f), 1), depth + 1)))
    if (f.number === 7) return clip(Buffer.from(asBytes(f)).toString('base64'))
  }
  return ''
}

function fieldsOf(buf: Uint8Array, number: number): Field[] {
  return [...fields(buf)].filter((f) => f.number === number)
}

function protoAttributes(keyValues: Field[], depth = 0): Attributes {
  const out: Attributes = {}
  let kept = 0
  for (const kv of keyValues) {
    if (kept >= OTLP_LIMITS.maxAttributes) break
    let key = ''
    let value: AttributeValue = ''
    for (const f of fields(asBytes(kv))) {
      if (f.number === 1) key = clip(asString(f))
      else if (f.number === 2) value = protoAnyValue(asBytes(f), depth + 1)
    }
    if (key) {
      out[key] = value
      kept++
    }
  }
  return out
}

function protoSpan(buf: Uint8Array, service: string): StoredSpan {
  const span: StoredSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: undefined,
    name: '',
    kind: 'internal',
    service,
    startTimeMs: 0,
    durationMs: 0,
    status: 'unset',
    statusMessage: undefined,
    attributes: {},
    events: [],
    links: [],
  }
  let start = 0n
  let end = 0n
  const attributes: Field[] = []
  for (const f of fields(buf)) {
    if (f.number === 1) span.traceId = asHex(f)
    else if (f.number === 2) span.spanId = asHex(f)
    else if (f.number === 4) span.parentSpanId = asHex(f) || undefined
    else if (f.number === 5) span.name = clip(asString(f))
    else if (f.number === 6) span.kind = KINDS[Number(asBigInt(f))] ?? 'internal'
    else if (f.number === 7) start = asBigInt(f)
    else if (f.number === 8) end = asBigInt(f)
    else if (f.number === 9 && attributes.length < OTLP_LIMITS.maxAttributes) attributes.push(f)
    else if (f.number === 11 && span.events.length < OTLP_LIMITS.maxEvents)
      span.events.push(protoEvent(asBytes(f)))
    else if (f.number === 13 && span.links.length < OTLP_LIMITS.maxEvents)
      span.links.push(protoLink(asBytes(f)))
    else if (f.number === 15) {
      for (const s of fields(asBytes(f))) {
        if (s.number === 2) span.statusMessage = clip(asString(s)) || undefined
        else if (s.number === 3) span.status = STATUSES[Number(asBigInt(s))] ?? 'unset'
      }
    }
  }
  span.attributes = protoAttributes(attributes)
  span.startTimeMs = nanosToMs(start)
  span.durationMs = end > start ? nanosToMs(end - start) : 0
  return checkIds(span)
}

function protoEvent(buf: Uint8Array): StoredSpan['events'][number] {
  let timeMs = 0
  let name = ''
  const attributes: Field[] = []
  for (const f of fields(buf)) {
    if (f.number === 1) timeMs = nanosToMs(asBigInt(f))
    else if (f.number === 2) name = clip(asString(f))
    else if (f.number === 3 && attributes.length < OTLP_LIMITS.maxAttributes) attributes.push(f)
  }
  return { name, timeMs, attributes: protoAttributes(attributes) }
}

function protoLink(buf: Uint8Array): StoredSpan['links'][number] {
  let traceId = ''
  let spanId = ''
  const attributes: Field[] = []
  for (const f of fields(buf)) {
    if (f.number === 1) traceId = asHex(f)
    else if (f.number === 2) spanId = asHex(f)
    else if (f.number === 4 && attributes.length < OTLP_LIMITS.maxAttributes) attributes.push(f)
  }
  return { traceId, spanId, attributes: protoAttributes(attributes) }
}

/** Decodes an ExportTraceServiceRequest. */
export function decodeOtlpProtobuf(body: Uint8Array): StoredSpan[] {
  const spans: StoredSpan[] = []
  for (const resourceSpans of fieldsOf(body, 1)) {
    let service = 'unknown'
    const scopes: Field[] = []
    for (const f of fields(asBytes(resourceSpans))) {
      if (f.number === 1) {
        const name = protoAttributes(fieldsOf(asBytes(f), 1))['service.name']
        if (name !== undefined) service = String(name)
      } else if (f.number === 2) scopes.push(f)
    }
    for (const scope of scopes) {
      for (const s of fieldsOf(asBytes(scope), 2)) spans.push(protoSpan(asBytes(s), service))
    }
  }
  return spans
}

// ---------- http/json (OTLP JSON mapping: hex ids, 64-bit integers as strings or numbers)

interface JsonAnyValue {
  stringValue?: string
  boolValue?: boolean
  intValue?: string | number
  doubleValue?: number
  arrayValue?: { values?: JsonAnyValue[] }
  kvlistValue?: { values?: JsonKeyValue[] }
  bytesValue?: string
}
interface JsonKeyValue {
  key?: string
  value?: JsonAnyValue
}

/** A JSON scalar as text; objects and arrays (which may carry a hostile toString) are not text. */
function text(value: unknown): string {
  if (typeof value === 'string') return clip(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}

function numberOf(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : 0
}

function jsonAnyValue(raw: unknown, depth: number): AttributeValue {
  if (depth > OTLP_LIMITS.maxDepth) throw tooDeep()
  if (!raw || typeof raw !== 'object') return ''
  const v = raw as JsonAnyValue
  if (v.stringValue !== undefined) return text(v.stringValue)
  if (v.boolValue !== undefined) return v.boolValue === true
  if (v.intValue !== undefined) return numberOf(v.intValue)
  if (v.doubleValue !== undefined) return numberOf(v.doubleValue)
  if (v.arrayValue && typeof v.arrayValue === 'object') {
    const items = Array.isArray(v.arrayValue.values) ? v.arrayValue.values : []
    return items.slice(0, OTLP_LIMITS.maxAttributes).map((item) => {
      const value = jsonAnyValue(item, depth + 1)
      return Array.isArray(value) ? clip(JSON.stringify(value)) : (value as string | number | boolean)
    })
  }
  if (v.kvlistValue && typeof v.kvlistValue === 'object') {
    return clip(JSON.stringify(jsonAttributes(v.kvlistValue.values, depth + 1)))
  }
  if (v.bytesValue !== undefined) return text(v.bytesValue)
  return ''
}

function jsonAttributes(list: unknown, depth = 0): Attributes {
  const out: Attributes = {}
  if (!Array.isArray(list)) return out
  let kept = 0
  for (const kv of list as JsonKeyValue[]) {
    if (kept >= OTLP_LIMITS.maxAttributes) break
    if (kv && typeof kv === 'object' && typeof kv.key === 'string') {
      out[clip(kv.key)] = jsonAnyValue(kv.value, depth + 1)
      kept++
    }
  }
  return out
}

const asArray = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Record<string, unknown>[]) : []

function nanos(value: unknown): bigint {
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.trunc(value))
  return 0n
}

function jsonKind(value: unknown): SpanKindName {
  if (typeof value === 'number') return KINDS[value] ?? 'internal'
  if (typeof value === 'string') {
    const name = value.replace(/^SPAN_KIND_/, '').toLowerCase()
    return (KINDS as readonly string[]).includes(name) ? (name as SpanKindName) : 'internal'
  }
  return 'internal'
}

function jsonStatus(value: unknown): StoredSpan['status'] {
  if (typeof value === 'number') return STATUSES[value] ?? 'unset'
  if (value === 'STATUS_CODE_OK') return 'ok'
  if (value === 'STATUS_CODE_ERROR') return 'error'
  return 'unset'
}

function jsonSpan(raw: Record<string, unknown>, service: string): StoredSpan {
  const start = nanos(raw.startTimeUnixNano)
  const end = nanos(raw.endTimeUnixNano)
  const status = (raw.status && typeof raw.status === 'object' ? raw.status : {}) as Record<string, unknown>
  return checkIds({
    traceId: text(raw.traceId).toLowerCase(),
    spanId: text(raw.spanId).toLowerCase(),
    parentSpanId: typeof raw.parentSpanId === 'string' && raw.parentSpanId ? raw.parentSpanId : undefined,
    name: text(raw.name),
    kind: jsonKind(raw.kind),
    service,
    startTimeMs: nanosToMs(start),
    durationMs: end > start ? nanosToMs(end - start) : 0,
    status: jsonStatus(status.code),
    statusMessage: text(status.message) || undefined,
    attributes: jsonAttributes(raw.attributes),
    events: asArray(raw.events)
      .slice(0, OTLP_LIMITS.maxEvents)
      .map((e) => ({
        name: text(e.name),
        timeMs: nanosToMs(nanos(e.timeUnixNano)),
        attributes: jsonAttributes(e.attributes),
      })),
    links: asArray(raw.links)
      .slice(0, OTLP_LIMITS.maxEvents)
      .map((l) => ({
        traceId: text(l.traceId).toLowerCase(),
        spanId: text(l.spanId).toLowerCase(),
        attributes: jsonAttributes(l.attributes),
      })),
  })
}

/** Decodes the JSON form of an ExportTraceServiceRequest. */
export function decodeOtlpJson(body: unknown): StoredSpan[] {
  if (!body || typeof body !== 'object') throw invalid('OTLP JSON body must be an object')
  const spans: StoredSpan[] = []
  for (const rs of asArray((body as Record<string, unknown>).resourceSpans)) {
    const resource = (rs.resource && typeof rs.resource === 'object' ? rs.resource : {}) as Record<
      string,
      unknown
    >
    const service = text(jsonAttributes(resource.attributes)['service.name']) || 'unknown'
    for (const scope of asArray(rs.scopeSpans)) {
      for (const raw of asArray(scope.spans)) spans.push(jsonSpan(raw, service))
    }
  }
  return spans
}

const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/

function checkIds(span: StoredSpan): StoredSpan {
  if (!TRACE_ID.test(span.traceId))
    throw invalid(`span "${span.name.slice(0, 64)}" has an invalid traceId`, 'traceId')
  if (!SPAN_ID.test(span.spanId))
    throw invalid(`span "${span.name.slice(0, 64)}" has an invalid spanId`, 'spanId')
  if (span.parentSpanId !== undefined && !SPAN_ID.test(span.parentSpanId)) span.parentSpanId = undefined
  return span
}
