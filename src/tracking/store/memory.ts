// Embedded adapter of the tracking store: the same records, TTL, counters and completion
// notifications as Redis, in one process. Notifications are delivered asynchronously, as a
// keyspace event would be, so callers cannot come to rely on a synchronous callback.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type {
  ActivityCounts,
  Fields,
  FinalisedListener,
  TrackingStore,
  TrackingStoreOptions,
} from './port.ts'

interface Entry {
  fields: Fields
  expiresAt: number
}

export function createMemoryTrackingStore(options: TrackingStoreOptions): TrackingStore {
  const { ttlMs } = options
  const records = new Map<string, Entry>()
  const done = new Map<string, number>()
  const active = new Map<string, number>()
  const tallies = new Map<string, Set<string>>()
  const listeners = new Set<FinalisedListener>()
  let closed = false

  const live = (key: string): Entry | undefined => {
    const entry = records.get(key)
    if (entry && entry.expiresAt <= Date.now()) {
      records.delete(key)
      return undefined
    }
    return entry
  }
  const upsert = (key: string, restore?: Fields): Entry => {
    const entry = live(key) ?? { fields: { ...restore }, expiresAt: 0 }
    entry.expiresAt = Date.now() + ttlMs
    records.set(key, entry)
    return entry
  }
  // Expired records are dropped on access; this sweep bounds memory for keys never read again.
  const sweep = setInterval(
    () => {
      const now = Date.now()
      for (const [key, entry] of records) if (entry.expiresAt <= now) records.delete(key)
      for (const [key, expiresAt] of done) if (expiresAt <= now) done.delete(key)
      for (const [key, at] of active) if (at <= now - ttlMs) active.delete(key)
    },
    Math.min(ttlMs, 60_000),
  )
  sweep.unref()

  return {
    kind: 'memory',
    async record(key, fields, at, restore) {
      Object.assign(upsert(key, restore).fields, fields)
      active.set(key, at)
    },
    async heartbeat(key, hop, at) {
      const entry = upsert(key)
      entry.fields[`${hop}.beats`] = String(Number(entry.fields[`${hop}.beats`] ?? 0) + 1)
      entry.fields[`${hop}.beat`] = String(at)
      if (active.has(key)) active.set(key, at)
    },
    async finalise(key, fields, restore) {
      Object.assign(upsert(key, restore).fields, fields)
      active.delete(key)
      done.set(key, Date.now() + ttlMs)
      setImmediate(() => {
        for (const listener of listeners) listener.onFinalised(key)
      })
    },
    async read(key) {
      const entry = live(key)
      return entry ? { ...entry.fields } : undefined
    },
    async isFinalised(key) {
      const expiresAt = done.get(key)
      return expiresAt !== undefined && expiresAt > Date.now()
    },
    async tally(name, item) {
      let items = tallies.get(name)
      if (!items) {
        items = new Set()
        tallies.set(name, items)
      }
      items.add(item)
      return items.size
    },
    async activity(stalledBefore): Promise<ActivityCounts> {
      const expired = Date.now() - ttlMs
      let inFlight = 0
      let stalled = 0
      for (const [key, at] of active) {
        if (at <= expired) {
          active.delete(key)
          continue
        }
        inFlight++
        if (at < stalledBefore) stalled++
      }
      return { inFlight, stalled }
    },
    async watch(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async ping() {
      if (closed)
        throw new BakeryError(ErrorCode.DEPENDENCY_FAILED, 'tracking store is closed', { retryable: true })
    },
    async close() {
      closed = true
      clearInterval(sweep)
      listeners.clear()
    },
  }
}
