// The database seam: query latency, a failing statement, the pool capped at N connections (a
// semaphore in front of the port, so N = 1 gives the one-connection staircase), and the server
// refusing connections. Wrapped inside the query spans, so their durations and errors show it.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Database, Queryable } from '../db/port.ts'
import { databaseUnavailable } from '../db/unavailable.ts'
import { hit, type SeamSlot } from './registry.ts'

/** At most `limit()` holders at once; waiters are served in order. */
function createGate(limit: () => number | undefined) {
  let holders = 0
  const waiting: (() => void)[] = []
  const release = () => {
    holders--
    const next = waiting.shift()
    if (next) {
      holders++
      next()
    }
  }
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      const max = limit()
      if (max === undefined && holders === 0 && waiting.length === 0) return fn()
      if (max === undefined || holders < max) holders++
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await fn()
      } finally {
        release()
      }
    },
    /** Lets waiters in when the cap was raised or lifted. */
    drain() {
      const max = limit()
      while (waiting.length > 0 && (max === undefined || holders < max)) {
        holders++
        waiting.shift()?.()
      }
    },
  }
}

function statementError(): Error {
  // What PostgreSQL answers to a statement cancelled on the server: a failed statement, not an outage.
  return Object.assign(new Error('canceling statement due to statement timeout'), {
    code: '57014',
    severity: 'ERROR',
  })
}

function refusedError(): Error {
  return databaseUnavailable(
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    }),
  )
}

async function before(slot: SeamSlot): Promise<void> {
  if (hit(slot, 'refused')) throw refusedError()
  const latency = hit(slot, 'latency')
  if (latency) await sleep((latency.params.ms ?? 0) + Math.random() * (latency.params.jitterMs ?? 0))
  if (hit(slot, 'error')) throw statementError()
}

export function faultyDatabase(db: Database, slot: SeamSlot): Database {
  const cap = () => slot.active.find((f) => f.type === 'pool-cap')?.params.connections
  const gate = createGate(cap)
  const poll = setInterval(() => gate.drain(), 100)
  poll.unref()
  const inner = (q: Queryable): Queryable => ({
    async query(sql, params, options) {
      if (slot.active.length > 0) await before(slot)
      return q.query(sql, params, options)
    },
    exec: (sql) => q.exec(sql),
  })
  const outer = inner(db)
  return {
    engine: db.engine,
    query(sql, params, options) {
      if (slot.active.length === 0) return db.query(sql, params, options)
      return gate.run(() => outer.query(sql, params, options))
    },
    exec: (sql) => db.exec(sql),
    transaction(fn) {
      if (slot.active.length === 0) return db.transaction(fn)
      // A transaction holds its connection throughout: one permit for all its statements.
      return gate.run(async () => {
        await before(slot)
        return db.transaction((tx) => fn(inner(tx)))
      })
    },
    ping: () => db.ping(),
    async close() {
      clearInterval(poll)
      await db.close()
    },
  }
}
