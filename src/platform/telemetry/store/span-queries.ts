// The SpanStore read interface over the SQLite tables, so the trace viewer, the order signals and
// the trace list filters work the same on every run the store keeps. `each` (live aggregates such
// as the order flow) walks the in-memory ring of this process's newest spans instead: it is read
// every second and only ever wants the last minutes.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import type { SpanStore, StoredSpan, TraceQuery, TraceSummary } from '../span-store.ts'
import { KIND_NAMES, ORDER_KEY_ATTRIBUTES, rowToSpan, type SpanRow, STATUS_CODES } from './rows.ts'

// A search stops after reading this many matching spans, however few traces it found.
const SEARCH_SCAN_LIMIT = 200_000

export interface SpanQueries {
  getTrace(traceId: string, run?: number): StoredSpan[]
  findLinksTo(traceId: string): StoredSpan[]
  search(query: TraceQuery): TraceSummary[]
  count(): number
  /** Trace ids whose spans carry this order key (bakery order key or coffee order id). */
  tracesOfOrder(orderKey: string, limit: number): string[]
}

export function createSpanQueries(db: DatabaseSync): SpanQueries {
  // With the resource's attributes, which the trace view shows per span.
  const WITH_RESOURCE =
    'SELECT s.*, r.attributes AS res FROM spans s LEFT JOIN resources r ON r.id = s.resource'
  const byTrace = db.prepare(`${WITH_RESOURCE} WHERE s.trace_id = ? ORDER BY s.start_us, s.rowid`)
  const byTraceInRun = db.prepare(
    `${WITH_RESOURCE} WHERE s.trace_id = ? AND s.run = ? ORDER BY s.start_us, s.rowid`,
  )
  const linking = db.prepare(
    `SELECT spans.* FROM span_links JOIN spans ON spans.rowid = span_links.span_row
     WHERE span_links.trace_id = ? ORDER BY spans.start_us LIMIT 1000`,
  )
  const summaryRows = db.prepare(
    'SELECT parent_id, name, kind, service, start_us, duration_us, status FROM spans WHERE trace_id = ?',
  )
  const ofOrder = db.prepare(
    'SELECT trace_id FROM spans WHERE order_key = ? GROUP BY trace_id ORDER BY max(rowid) DESC LIMIT ?',
  )
  const count = db.prepare('SELECT count(*) AS n FROM spans')

  function summarize(traceId: string): TraceSummary {
    const rows = summaryRows.all(traceId) as unknown as Pick<
      SpanRow,
      'parent_id' | 'name' | 'kind' | 'service' | 'start_us' | 'duration_us' | 'status'
    >[]
    const root = rows.find((r) => r.parent_id === null) ?? rows[0]
    let start = Number.POSITIVE_INFINITY
    let end = 0
    for (const r of rows) {
      start = Math.min(start, r.start_us)
      end = Math.max(end, r.start_us + r.duration_us)
    }
    return {
      traceId,
      rootName: root?.name ?? '',
      rootService: root?.service ?? '',
      rootKind: KIND_NAMES[root?.kind ?? 1] ?? 'internal',
      startTimeMs: start / 1000,
      durationMs: (end - start) / 1000,
      spanCount: rows.length,
      services: [...new Set(rows.map((r) => r.service))],
      error: rows.some((r) => r.status === STATUS_CODES.error),
    }
  }

  function search(query: TraceQuery): TraceSummary[] {
    const where: string[] = []
    const params: SQLInputValue[] = []
    if (query.run !== undefined) {
      where.push('run = ?')
      params.push(query.run)
    }
    if (query.service) {
      where.push('service = ?')
      params.push(query.service)
    }
    if (query.name) {
      where.push('instr(name, ?) > 0')
      params.push(query.name)
    }
    if (query.attribute) {
      const { key, value } = query.attribute
      if ((ORDER_KEY_ATTRIBUTES as readonly string[]).includes(key)) {
        where.push('order_key = ?')
        params.push(value)
      }
      where.push('CAST(json_extract(attributes, ?) AS TEXT) = ?')
      params.push(`$."${key.replaceAll('"', '\\"')}"`, value)
    }
    if (query.error === true) where.push(`status = ${STATUS_CODES.error}`)
    const sql = `SELECT trace_id FROM spans ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ${SEARCH_SCAN_LIMIT}`
    const limit = query.limit ?? 50
    const seen = new Set<string>()
    const out: TraceSummary[] = []
    for (const row of db.prepare(sql).iterate(...params) as Iterable<{ trace_id: string }>) {
      if (out.length >= limit) break
      if (seen.has(row.trace_id)) continue
      seen.add(row.trace_id)
      const summary = summarize(row.trace_id)
      if (query.minDurationMs !== undefined && summary.durationMs < query.minDurationMs) continue
      out.push(summary)
    }
    return out
  }

  return {
    getTrace(traceId, run) {
      const rows = (run === undefined
        ? byTrace.all(traceId)
        : byTraceInRun.all(traceId, run)) as unknown as (SpanRow & { res: string | null })[]
      // An imported copy of a trace shares its span ids with the original: show each span once.
      const seen = new Set<string>()
      const spans: StoredSpan[] = []
      const resources = new Map<string, NonNullable<StoredSpan['resource']>>()
      for (const row of rows) {
        if (seen.has(row.span_id)) continue
        seen.add(row.span_id)
        const span = rowToSpan(row)
        if (row.res) {
          let resource = resources.get(row.res)
          if (!resource) {
            resource = JSON.parse(row.res) as NonNullable<StoredSpan['resource']>
            resources.set(row.res, resource)
          }
          span.resource = resource
        }
        spans.push(span)
      }
      return spans
    },
    findLinksTo: (traceId) => (linking.all(traceId) as unknown as SpanRow[]).map(rowToSpan),
    search,
    count: () => Number((count.get() as { n: number }).n),
    tracesOfOrder: (orderKey, limit) =>
      (ofOrder.all(orderKey, limit) as { trace_id: string }[]).map((r) => r.trace_id),
  }
}

/** A SpanStore whose writes go to the writer and the ring, and whose reads go to SQLite. */
export function createPersistentSpanStore(
  ring: SpanStore,
  queries: SpanQueries,
  write: (span: StoredSpan) => void,
  flush: () => void,
): SpanStore {
  return {
    capacity: ring.capacity,
    add(span) {
      ring.add(span)
      write(span)
    },
    size() {
      flush()
      return queries.count()
    },
    getTrace(traceId) {
      flush()
      return queries.getTrace(traceId)
    },
    findLinksTo(traceId) {
      flush()
      return queries.findLinksTo(traceId)
    },
    search(query) {
      flush()
      return queries.search(query)
    },
    each: (visit) => ring.each(visit),
    clear: () => ring.clear(),
  }
}
