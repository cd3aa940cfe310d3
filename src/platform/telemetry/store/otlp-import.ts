// Loads a file written by exportRun (or any gzip'd OTLP JSON lines: traces, logs, metrics) into
// a new run of the store. Every line is checked; a bad one stops the import, removes what it
// had written and names the line. Inflated size and line length are bounded.
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { BakeryError, ErrorCode } from '../../errors.ts'
import { fromKeyValues, nanosToUs } from './otlp-values.ts'
import { orderKeyOf } from './rows.ts'
import type { TelemetryStore } from './telemetry-store.ts'

const MAX_LINE = 64 * 1024 * 1024
const TRACE_ID = /^[0-9a-f]{32}$/
const SPAN_ID = /^[0-9a-f]{16}$/

type Json = Record<string, unknown>

function invalid(message: string, cause?: unknown): BakeryError {
  return new BakeryError(ErrorCode.TELEMETRY_IMPORT_INVALID, message, { status: 400, cause })
}

const list = (value: unknown): Json[] =>
  Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Json[]) : []

async function* lineSplit(input: Readable, maxBytes: number): AsyncGenerator<string> {
  const gunzip = input.pipe(createGunzip())
  input.on('error', (error) => gunzip.destroy(error))
  let pending = ''
  let total = 0
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length
      if (total > maxBytes) throw invalid(`the file inflates to more than ${maxBytes} bytes`)
      pending += chunk.toString('utf8')
      let newline = pending.indexOf('\n')
      while (newline >= 0) {
        yield pending.slice(0, newline)
        pending = pending.slice(newline + 1)
        newline = pending.indexOf('\n')
      }
      if (pending.length > MAX_LINE) throw invalid(`a line is longer than ${MAX_LINE} bytes`)
    }
  } catch (error) {
    if (error instanceof BakeryError) throw error
    throw invalid('the file is not gzip', error)
  }
  if (pending.trim() !== '') yield pending
}

function check(ok: boolean, line: number, what: string): void {
  if (!ok) throw invalid(`line ${line}: ${what}`)
}

/** Imports the stream into a new run; returns its id. */
export async function importRun(
  store: TelemetryStore,
  input: Readable,
  label: string,
  maxBytes: number,
): Promise<number> {
  const { db } = store
  store.flush()
  const run = store.createRun('import', label.slice(0, 200), Date.now() * 1000)
  const resourceOf = db.prepare('SELECT id FROM resources WHERE attributes = ?')
  const addResource = db.prepare('INSERT INTO resources (attributes) VALUES (?)')
  const resourceId = (attributes: unknown): number => {
    const json = JSON.stringify(fromKeyValues(attributes))
    const found = resourceOf.get(json) as { id: number } | undefined
    return found ? Number(found.id) : Number(addResource.run(json).lastInsertRowid)
  }
  const span = db.prepare(
    `INSERT INTO spans (run, trace_id, span_id, parent_id, name, kind, service, start_us, duration_us,
      status, status_message, attributes, events, links, resource, order_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const link = db.prepare('INSERT INTO span_links (span_row, trace_id) VALUES (?, ?)')
  const log = db.prepare(
    `INSERT INTO logs (run, time_us, level, service, message, trace_id, span_id, order_key, attributes, resource)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const snapshot = db.prepare(
    'INSERT INTO metric_snapshots (run, time_us, resource, metrics) VALUES (?, ?, ?, ?)',
  )
  const exemplar = db.prepare(
    `INSERT INTO exemplars (run, snapshot_row, time_us, service, metric, value, trace_id, span_id, order_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  let earliest = Number.POSITIVE_INFINITY

  function importSpans(request: Json, n: number): void {
    for (const rs of list(request.resourceSpans)) {
      const resource = (rs.resource ?? {}) as Json
      const res = resourceId(resource.attributes)
      const service = String(fromKeyValues(resource.attributes)['service.name'] ?? 'unknown')
      for (const scope of list(rs.scopeSpans)) {
        for (const s of list(scope.spans)) {
          const traceId = String(s.traceId ?? '')
          const spanId = String(s.spanId ?? '')
          check(TRACE_ID.test(traceId) && SPAN_ID.test(spanId), n, 'a span has an invalid traceId or spanId')
          const start = nanosToUs(s.startTimeUnixNano)
          earliest = Math.min(earliest, start)
          const attributes = fromKeyValues(s.attributes)
          const events = list(s.events).map((e) => ({
            name: String(e.name ?? ''),
            attributes: fromKeyValues(e.attributes),
            timeUs: nanosToUs(e.timeUnixNano),
          }))
          const links = list(s.links).map((l) => ({
            traceId: String(l.traceId ?? ''),
            spanId: String(l.spanId ?? ''),
            attributes: fromKeyValues(l.attributes),
          }))
          const status = (s.status ?? {}) as Json
          const kind = Number(s.kind)
          const { lastInsertRowid } = span.run(
            run,
            traceId,
            spanId,
            typeof s.parentSpanId === 'string' && SPAN_ID.test(s.parentSpanId) ? s.parentSpanId : null,
            String(s.name ?? ''),
            Number.isInteger(kind) && kind >= 1 && kind <= 5 ? kind : 1,
            service,
            start,
            Math.max(0, nanosToUs(s.endTimeUnixNano) - start),
            [0, 1, 2].includes(Number(status.code)) ? Number(status.code) : 0,
            typeof status.message === 'string' && status.message ? status.message : null,
            JSON.stringify(attributes),
            events.length ? JSON.stringify(events) : null,
            links.length ? JSON.stringify(links) : null,
            res,
            orderKeyOf(attributes),
          )
          for (const l of links) link.run(lastInsertRowid, l.traceId)
        }
      }
    }
  }

  function importLogs(request: Json): void {
    for (const rl of list(request.resourceLogs)) {
      const resource = (rl.resource ?? {}) as Json
      const res = resourceId(resource.attributes)
      const service = String(fromKeyValues(resource.attributes)['service.name'] ?? 'unknown')
      for (const scope of list(rl.scopeLogs)) {
        for (const r of list(scope.logRecords)) {
          const attributes = fromKeyValues(r.attributes)
          const severity = Number(r.severityNumber) || 9
          const body = (r.body ?? {}) as Json
          const time = nanosToUs(r.timeUnixNano)
          earliest = Math.min(earliest, time)
          const orderKey = [attributes.order_key, attributes.orderKey, attributes.orderId].find(
            (v) => typeof v === 'string' && v !== '',
          )
          log.run(
            run,
            time,
            Math.min(60, Math.floor((severity - 1) / 4) * 10 + 10),
            service,
            typeof body.stringValue === 'string' ? body.stringValue : JSON.stringify(body),
            typeof r.traceId === 'string' && TRACE_ID.test(r.traceId) ? r.traceId : null,
            typeof r.spanId === 'string' && SPAN_ID.test(r.spanId) ? r.spanId : null,
            (orderKey as string | undefined) ?? null,
            JSON.stringify(attributes),
            res,
          )
        }
      }
    }
  }

  function importMetrics(request: Json): void {
    for (const rm of list(request.resourceMetrics)) {
      const resource = (rm.resource ?? {}) as Json
      const service = String(fromKeyValues(resource.attributes)['service.name'] ?? 'unknown')
      const metrics = list(rm.scopeMetrics).flatMap((s) => list(s.metrics))
      let time = 0
      const found: [string, Json][] = []
      for (const m of metrics) {
        for (const point of list(((m.histogram ?? m.sum ?? m.gauge ?? {}) as Json).dataPoints)) {
          time = Math.max(time, nanosToUs(point.timeUnixNano))
          for (const e of list(point.exemplars)) found.push([String(m.name ?? ''), e])
        }
      }
      const { lastInsertRowid } = snapshot.run(
        run,
        time,
        resourceId(resource.attributes),
        JSON.stringify(metrics),
      )
      for (const [metric, e] of found) {
        const orderKey = fromKeyValues(e.filteredAttributes)['bakery.order_key']
        exemplar.run(
          run,
          lastInsertRowid,
          nanosToUs(e.timeUnixNano),
          service,
          metric,
          Number(e.asDouble ?? e.asInt ?? 0),
          String(e.traceId ?? ''),
          String(e.spanId ?? ''),
          typeof orderKey === 'string' ? orderKey : null,
        )
      }
    }
  }

  let n = 0
  try {
    for await (const text of lineSplit(input, maxBytes)) {
      n++
      if (text.trim() === '') continue
      let request: Json
      try {
        request = JSON.parse(text) as Json
      } catch (error) {
        throw invalid(`line ${n} is not JSON`, error)
      }
      check(request !== null && typeof request === 'object', n, 'not an OTLP export request')
      db.exec('BEGIN')
      try {
        if ('resourceSpans' in request) importSpans(request, n)
        else if ('resourceLogs' in request) importLogs(request)
        else if ('resourceMetrics' in request) importMetrics(request)
        else throw invalid(`line ${n}: neither resourceSpans, resourceLogs nor resourceMetrics`)
        db.exec('COMMIT')
      } catch (error) {
        db.exec('ROLLBACK')
        throw error
      }
    }
  } catch (error) {
    store.deleteRun(run)
    throw error
  }
  if (Number.isFinite(earliest))
    db.prepare('UPDATE runs SET started_us = ?, ended_us = ? WHERE id = ?').run(
      earliest,
      Date.now() * 1000,
      run,
    )
  return run
}
