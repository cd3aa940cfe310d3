// Log search: text (message and fields), level at or above, service, time range, order key,
// trace and span. Newest first, a bounded page.
import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import { LOG_LEVELS, type LogLevelName, type LogRecord, type LogRow, rowToLog } from './rows.ts'

export interface LogQuery {
  run?: number
  text?: string
  /** This level and above. */
  level?: LogLevelName
  service?: string
  fromMs?: number
  toMs?: number
  orderKey?: string
  traceId?: string
  /** Log lines of any of these traces (the order signals). */
  traceIds?: string[]
  spanId?: string
  limit?: number
  /** Oldest first instead of newest first. */
  ascending?: boolean
}

export function createLogQueries(db: DatabaseSync) {
  return {
    search(query: LogQuery): LogRecord[] {
      const where: string[] = []
      const params: SQLInputValue[] = []
      const add = (clause: string, ...values: SQLInputValue[]) => {
        where.push(clause)
        params.push(...values)
      }
      if (query.run !== undefined) add('run = ?', query.run)
      if (query.level) add('level >= ?', LOG_LEVELS[query.level])
      if (query.service) add('service = ?', query.service)
      if (query.fromMs !== undefined) add('time_us >= ?', Math.round(query.fromMs * 1000))
      if (query.toMs !== undefined) add('time_us <= ?', Math.round(query.toMs * 1000))
      if (query.traceId) add('trace_id = ?', query.traceId)
      if (query.spanId) add('span_id = ?', query.spanId)
      if (query.text)
        add(
          '(instr(lower(message), lower(?)) > 0 OR instr(lower(attributes), lower(?)) > 0)',
          query.text,
          query.text,
        )
      if (query.orderKey && query.traceIds && query.traceIds.length > 0) {
        add(
          '(order_key = ? OR trace_id IN (SELECT value FROM json_each(?)))',
          query.orderKey,
          JSON.stringify(query.traceIds),
        )
      } else if (query.orderKey) add('order_key = ?', query.orderKey)
      // Rows are inserted in time order, so newest first is rowid order (no sort of the whole table).
      const order = query.ascending ? 'time_us, rowid' : 'rowid DESC'
      const sql = `SELECT * FROM logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`
      params.push(query.limit ?? 200)
      return (db.prepare(sql).all(...params) as unknown as LogRow[]).map(rowToLog)
    },
    services(): string[] {
      return (
        db.prepare('SELECT DISTINCT service FROM logs ORDER BY service LIMIT 200').all() as {
          service: string
        }[]
      ).map((r) => r.service)
    },
  }
}
export type LogQueries = ReturnType<typeof createLogQueries>
