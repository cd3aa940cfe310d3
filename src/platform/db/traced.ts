// A client span per query, named by semantic conventions ("SELECT bakery.orders"). Queries are
// parameterised, so db.query.text never carries literal values.
import { SpanKind, type Tracer } from '@opentelemetry/api'
import { withLeafSpan } from '../telemetry/index.ts'
import type { Database, Queryable } from './port.ts'

interface Parsed {
  operation: string
  collection: string | undefined
}

const parsedCache = new Map<string, Parsed>()

function parse(sql: string): Parsed {
  let parsed = parsedCache.get(sql)
  if (!parsed) {
    const operation = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY'
    const collection = /\b(?:from|into|update|join)\s+([\w.]+)/i.exec(sql)?.[1]
    parsed = { operation, collection }
    if (parsedCache.size < 1000) parsedCache.set(sql, parsed)
  }
  return parsed
}

export function traceDatabase(db: Database, tracer: Tracer): Database {
  function wrap(q: Queryable): Queryable {
    return {
      query(sql, params, options) {
        const { operation, collection } = parse(sql)
        const attributes: Record<string, string> = {
          'db.system.name': 'postgresql',
          'db.operation.name': operation,
          'db.query.text': sql,
        }
        if (collection) attributes['db.collection.name'] = collection
        const name = collection ? `${operation} ${collection}` : operation
        return withLeafSpan(tracer, name, { kind: SpanKind.CLIENT, attributes }, () =>
          q.query(sql, params, options),
        )
      },
      exec: (sql) => q.exec(sql),
    }
  }
  return {
    ...db,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
  }
}
