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

function invalid(message: string): BakeryError {
  return new BakeryError(ErrorCode.HTTP_VALIDATION, message, { status: 400 })
}

const nanosToMs = (nanos: bigint): number => Number(nanos / 1000n) / 1000

// ---------- http/protobuf

function protoAnyValue(buf: Uint8Array): AttributeValue {
  for (const f of fields(buf)) {
    if (f.number === 1) return asString(f)
    if (f.number === 2) return asBigInt(f) !== 0n
    if (f.number === 3) return asInt64(f)
    if (f.number === 4) return asDouble(f)
    if (f.number === 5) {
      const values: (string | number | boolean)[] = []
      for (const v of fields(asBytes(f))) {
        const item = protoAnyValue(asBytes(v))
        values.push(Array.isArray(item) ? JSON.stringify(item) : (item as string | number | boolean))
      }
      return values
    }
    if (f.number === 6) return JSON.stringify(protoAttributes(fieldsOf(asBytes(f), 1)))
    if (f.number === 7) return Buffer.from(asBytes(f)).toString('base64')
  }
  return ''
}

function fieldsOf(buf: Uint8Array, number: number): Field[] {
  return [...fields(buf)].filter((f) => f.number === number)
}

function protoAttributes(keyValues: Field[]): Attributes {
  const out: Attributes = {}
  for (const kv of keyValues) {
    let key = ''
    let value: AttributeValue = ''
    for (const f of fields(asBytes(kv))) {
      if (f.number === 1) key = asString(f)
      else if (f.number === 2) value = protoAnyValue(asBytes(f))
    }
    if (key) out[key] = value
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
    else if (f.number === 5) span.name = asString(f)
    else if (f.number === 6) span.kind = KINDS[Number(asBigInt(f))] ?? 'internal'
    else if (f.number === 7) start = asBigInt(f)
    else if (f.number === 8) end = asBigInt(f)
    else if (f.number === 9) attributes.push(f)
    else if (f.number === 11) span.events.push(protoEvent(asBytes(f)))
    else if (f.number === 13) span.links.push(protoLink(asBytes(f)))
    else if (f.number === 15) {
      for (const s of fields(asBytes(f))) {
        if (s.number === 2) span.statusMessage = asString(s) || undefined
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
    else if (f.number === 2) name = asString(f)
    else if (f.number === 3) attributes.push(f)
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
    else if (f.number === 4) attributes.push(f)
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

function jsonAnyValue(v: JsonAnyValue | undefined): AttributeValue {
  if (!v) return ''
  if (v.stringValue !== undefined) return String(v.stringValue)
  if (v.boolValue !== undefined) return Boolean(v.boolValue)
  if (v.intValue !== undefined) return Number(v.intValue)
  if (v.doubleValue !== undefined) return Number(v.doubleValue)
  if (v.arrayValue) {
    return (v.arrayValue.values ?? []).map((item) => {
      const value = jsonAnyValue(item)
      return Array.isArray(value) ? JSON.stringify(value) : (value as string | number | boolean)
    })
  }
  if (v.kvlistValue) return JSON.stringify(jsonAttributes(v.kvlistValue.values))
  if (v.bytesValue !== undefined) return String(v.bytesValue)
  return ''
}

function jsonAttributes(list: unknown): Attributes {
  const out: Attributes = {}
  if (!Array.isArray(list)) return out
  for (const kv of list as JsonKeyValue[]) {
    if (kv && typeof kv.key === 'string') out[kv.key] = jsonAnyValue(kv.value)
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
  const status = (raw.status ?? {}) as Record<string, unknown>
  return checkIds({
    traceId: String(raw.traceId ?? '').toLowerCase(),
    spanId: String(raw.spanId ?? '').toLowerCase(),
    parentSpanId: typeof raw.parentSpanId === 'string' && raw.parentSpanId ? raw.parentSpanId : undefined,
    name: String(raw.name ?? ''),
    kind: jsonKind(raw.kind),
    service,
    startTimeMs: nanosToMs(start),
    durationMs: end > start ? nanosToMs(end - start) : 0,
    status: jsonStatus(status.code),
    statusMessage: typeof status.message === 'string' && status.message ? status.message : undefined,
    attributes: jsonAttributes(raw.attributes),
    events: asArray(raw.events).map((e) => ({
      name: String(e.name ?? ''),
      timeMs: nanosToMs(nanos(e.timeUnixNano)),
      attributes: jsonAttributes(e.attributes),
    })),
    links: asArray(raw.links).map((l) => ({
      traceId: String(l.traceId ?? '').toLowerCase(),
      spanId: String(l.spanId ?? '').toLowerCase(),
      attributes: jsonAttributes(l.attributes),
    })),
  })
}

/** Decodes the JSON form of an ExportTraceServiceRequest. */
export function decodeOtlpJson(body: unknown): StoredSpan[] {
  if (!body || typeof body !== 'object') throw invalid('OTLP JSON body must be an object')
  const spans: StoredSpan[] = []
  for (const rs of asArray((body as Record<string, unknown>).resourceSpans)) {
    const resource = (rs.resource ?? {}) as Record<string, unknown>
    const service = String(jsonAttributes(resource.attributes)['service.name'] ?? 'unknown')
    for (const scope of asArray(rs.scopeSpans)) {
      for (const raw of asArray(scope.spans)) spans.push(jsonSpan(raw, service))
    }
  }
  return spans
}

const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/

function checkIds(span: StoredSpan): StoredSpan {
  if (!TRACE_ID.test(span.traceId)) throw invalid(`span "${span.name}" has an invalid traceId`)
  if (!SPAN_ID.test(span.spanId)) throw invalid(`span "${span.name}" has an invalid spanId`)
  if (span.parentSpanId !== undefined && !SPAN_ID.test(span.parentSpanId)) span.parentSpanId = undefined
  return span
}
