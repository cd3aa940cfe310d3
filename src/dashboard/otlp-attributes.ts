// OTLP attribute values (AnyValue, KeyValue lists) in both encodings, shared by the trace and log
// receivers. One request may fill the body limit, but what it leaves in memory is bounded, and
// nesting never costs more stack than MAX_DEPTH frames.
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { AttributeValue } from '../platform/telemetry/index.ts'
import { asBigInt, asBytes, asDouble, asInt64, asString, type Field, fields } from './protobuf-reader.ts'

export type Attributes = Record<string, AttributeValue>

// Caps of one item, as the OTel SDK's attribute limits.
export const OTLP_LIMITS = {
  /** Nesting of array/kvlist values; deeper is refused (400), never recursed into. */
  maxDepth: 8,
  /** Characters kept of a string value (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT style truncation). */
  maxValueLength: 4096,
  /** Attributes kept per span, event, link, log record or resource; array items kept per value. */
  maxAttributes: 128,
  /** Events and links kept per span. */
  maxEvents: 128,
} as const

export function invalid(message: string, field = 'body'): BakeryError {
  return new BakeryError(ErrorCode.HTTP_VALIDATION, message, { status: 400, details: [{ field, message }] })
}

export const clip = (text: string) =>
  text.length > OTLP_LIMITS.maxValueLength ? text.slice(0, OTLP_LIMITS.maxValueLength) : text

function tooDeep(): BakeryError {
  return invalid(`attribute values nest deeper than ${OTLP_LIMITS.maxDepth} levels`, 'attributes')
}

export const nanosToMs = (nanos: bigint): number => Number(nanos / 1000n) / 1000

// ---------- protobuf

export function protoAnyValue(buf: Uint8Array, depth: number): AttributeValue {
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

export function fieldsOf(buf: Uint8Array, number: number): Field[] {
  return [...fields(buf)].filter((f) => f.number === number)
}

export function protoAttributes(keyValues: Field[], depth = 0): Attributes {
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

/** The attributes of a Resource message (field 1 of ResourceSpans / ResourceLogs). */
export function protoResource(resource: Field): Attributes {
  return protoAttributes(fieldsOf(asBytes(resource), 1))
}

// ---------- JSON (OTLP JSON mapping: hex ids, 64-bit integers as strings or numbers)

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
export function text(value: unknown): string {
  if (typeof value === 'string') return clip(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return ''
}

export function numberOf(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(n) ? n : 0
}

export function jsonAnyValue(raw: unknown, depth: number): AttributeValue {
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

export function jsonAttributes(list: unknown, depth = 0): Attributes {
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

/** The attributes of a JSON `resource` object. */
export function jsonResource(resource: unknown): Attributes {
  const r = (resource && typeof resource === 'object' ? resource : {}) as Record<string, unknown>
  return jsonAttributes(r.attributes)
}

export const asArray = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Record<string, unknown>[]) : []

export function nanos(value: unknown): bigint {
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value)
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return BigInt(Math.trunc(value))
  return 0n
}

/** The service a resource names (`unknown` without service.name). */
export const serviceOf = (resource: Attributes): string => {
  const name = resource['service.name']
  return name === undefined || name === '' ? 'unknown' : clip(String(name))
}
