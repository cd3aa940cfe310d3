// OTLP/HTTP trace requests (http/protobuf and http/json) turned into span-store records, so
// Bakery processes running apart can send their spans to the dashboard's trace viewer.
import type { StoredSpan } from '../platform/telemetry/index.ts'
import {
  type Attributes,
  asArray,
  clip,
  fieldsOf,
  invalid,
  jsonAttributes,
  jsonResource,
  nanos,
  nanosToMs,
  OTLP_LIMITS,
  protoAttributes,
  protoResource,
  serviceOf,
  text,
} from './otlp-attributes.ts'
import { asBigInt, asBytes, asHex, asString, type Field, fields } from './protobuf-reader.ts'

export { OTLP_LIMITS } from './otlp-attributes.ts'

type SpanKindName = StoredSpan['kind']
// OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer']
const STATUSES: readonly StoredSpan['status'][] = ['unset', 'ok', 'error']

function protoSpan(buf: Uint8Array, service: string, resource: Attributes): StoredSpan {
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
    resource,
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
    // One attributes object per resource, shared by its spans (the store keeps it once).
    let resource: Attributes = {}
    const scopes: Field[] = []
    for (const f of fields(asBytes(resourceSpans))) {
      if (f.number === 1) resource = protoResource(f)
      else if (f.number === 2) scopes.push(f)
    }
    const service = serviceOf(resource)
    for (const scope of scopes) {
      for (const s of fieldsOf(asBytes(scope), 2)) spans.push(protoSpan(asBytes(s), service, resource))
    }
  }
  return spans
}

// ---------- http/json

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

function jsonSpan(raw: Record<string, unknown>, service: string, resource: Attributes): StoredSpan {
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
    resource,
  })
}

/** Decodes the JSON form of an ExportTraceServiceRequest. */
export function decodeOtlpJson(body: unknown): StoredSpan[] {
  if (!body || typeof body !== 'object') throw invalid('OTLP JSON body must be an object')
  const spans: StoredSpan[] = []
  for (const rs of asArray((body as Record<string, unknown>).resourceSpans)) {
    const resource = jsonResource(rs.resource)
    const service = serviceOf(resource)
    for (const scope of asArray(rs.scopeSpans)) {
      for (const raw of asArray(scope.spans)) spans.push(jsonSpan(raw, service, resource))
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
