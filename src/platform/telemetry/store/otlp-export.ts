// One run as a file: gzip'd JSON lines, each line one OTLP/JSON export request (traces, then
// logs, then metrics), the format of the OpenTelemetry Collector's file exporter and
// otlpjsonfile receiver. The order is fixed (resource, then insertion order), so exporting an
// imported run gives the same bytes again.
import { Readable } from 'node:stream'
import { createGzip, type Gzip } from 'node:zlib'
import { BakeryError, ErrorCode } from '../../errors.ts'
import { toKeyValues, usToNanos } from './otlp-values.ts'
import { type Attributes, KIND_CODES, KIND_NAMES, levelName, type SpanRow } from './rows.ts'
import type { TelemetryStore } from './telemetry-store.ts'

const SPANS_PER_LINE = 1000
const LOGS_PER_LINE = 2000
export const SCOPE = { name: 'bakery' }

// OTLP severity numbers for pino's levels (TRACE=1, DEBUG=5, INFO=9, WARN=13, ERROR=17, FATAL=21).
export function severityNumber(level: number): number {
  return Math.max(1, Math.min(24, Math.floor((level - 10) / 10) * 4 + 1))
}

interface EventJson {
  name: string
  timeUs: number
  attributes: Attributes
}

function spanJson(row: SpanRow): Record<string, unknown> {
  const span: Record<string, unknown> = { traceId: row.trace_id, spanId: row.span_id }
  if (row.parent_id) span.parentSpanId = row.parent_id
  span.name = row.name
  span.kind = KIND_CODES[KIND_NAMES[row.kind] ?? 'internal']
  span.startTimeUnixNano = usToNanos(row.start_us)
  span.endTimeUnixNano = usToNanos(row.start_us + row.duration_us)
  span.attributes = toKeyValues(JSON.parse(row.attributes) as Attributes)
  if (row.events) {
    span.events = (JSON.parse(row.events) as EventJson[]).map((e) => ({
      timeUnixNano: usToNanos(e.timeUs),
      name: e.name,
      attributes: toKeyValues(e.attributes),
    }))
  }
  if (row.links) {
    span.links = (JSON.parse(row.links) as { traceId: string; spanId: string; attributes: Attributes }[]).map(
      (l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: toKeyValues(l.attributes) }),
    )
  }
  span.status = row.status_message ? { code: row.status, message: row.status_message } : { code: row.status }
  return span
}

const resourceJson = (attributes: string) => ({
  attributes: toKeyValues(JSON.parse(attributes) as Attributes),
})

/** Groups rows that share a resource into lines of at most `perLine` items. */
function* grouped<T extends { res: string }>(
  rows: Iterable<T>,
  perLine: number,
  line: (resource: string, items: T[]) => string,
): Generator<string> {
  let resource: string | undefined
  let items: T[] = []
  for (const row of rows) {
    if ((resource !== undefined && row.res !== resource) || items.length >= perLine) {
      yield line(resource as string, items)
      items = []
    }
    resource = row.res
    items.push(row)
  }
  if (items.length > 0) yield line(resource as string, items)
}

function* lines(store: TelemetryStore, run: number): Generator<string> {
  const { db } = store
  const spans = db
    .prepare(
      `SELECT s.*, r.attributes AS res FROM spans s JOIN resources r ON r.id = s.resource
       WHERE s.run = ? ORDER BY r.attributes, s.rowid`,
    )
    .iterate(run) as Iterable<SpanRow & { res: string }>
  yield* grouped(spans, SPANS_PER_LINE, (res, items) =>
    JSON.stringify({
      resourceSpans: [
        { resource: resourceJson(res), scopeSpans: [{ scope: SCOPE, spans: items.map(spanJson) }] },
      ],
    }),
  )
  const logs = db
    .prepare(
      `SELECT l.*, r.attributes AS res FROM logs l JOIN resources r ON r.id = l.resource
       WHERE l.run = ? ORDER BY r.attributes, l.rowid`,
    )
    .iterate(run) as Iterable<Record<string, unknown> & { res: string }>
  yield* grouped(logs, LOGS_PER_LINE, (res, items) =>
    JSON.stringify({
      resourceLogs: [
        { resource: resourceJson(res), scopeLogs: [{ scope: SCOPE, logRecords: items.map(logJson) }] },
      ],
    }),
  )
  const snapshots = db
    .prepare(
      `SELECT m.metrics, r.attributes AS res FROM metric_snapshots m JOIN resources r ON r.id = m.resource
       WHERE m.run = ? ORDER BY m.rowid`,
    )
    .iterate(run) as Iterable<{ metrics: string; res: string }>
  for (const snapshot of snapshots) {
    yield `{"resourceMetrics":[{"resource":${JSON.stringify(resourceJson(snapshot.res))},"scopeMetrics":[{"scope":${JSON.stringify(SCOPE)},"metrics":${snapshot.metrics}}]}]}`
  }
}

function logJson(row: Record<string, unknown>): Record<string, unknown> {
  const level = Number(row.level)
  const record: Record<string, unknown> = {
    timeUnixNano: usToNanos(Number(row.time_us)),
    severityNumber: severityNumber(level),
    severityText: levelName(level).toUpperCase(),
    body: { stringValue: String(row.message) },
    attributes: toKeyValues(JSON.parse(String(row.attributes)) as Attributes),
  }
  if (row.trace_id) record.traceId = row.trace_id
  if (row.span_id) record.spanId = row.span_id
  return record
}

/** The run as a gzip stream of OTLP JSON lines. */
export function exportRun(store: TelemetryStore, run: number): Gzip {
  store.flush()
  if (!store.getRun(run)) {
    throw new BakeryError(ErrorCode.TELEMETRY_RUN_UNKNOWN, `no run ${run} in the telemetry store`, {
      status: 404,
    })
  }
  const source = lines(store, run)
  const text = Readable.from(
    (function* () {
      for (const line of source) yield `${line}\n`
    })(),
  )
  // A fixed compression level and no file name or time in the header: same data, same bytes.
  return text.pipe(createGzip({ level: 6 }))
}
