// The tracking store port: one record (a flat field map) per tracked request, written by every
// hop, plus a completion marker whose creation wakes whoever waits for the request. Redis in
// production (keyspace notifications), an in-process map embedded; both behave the same.

/** A record's fields; values are strings as in a Redis hash. */
export type Fields = Record<string, string>

export interface ActivityCounts {
  /** Requests recorded and not finalised (within the TTL). */
  inFlight: number
  /** Of those, the ones with no write or heartbeat since `stalledBefore`. */
  stalled: number
}

export interface FinalisedListener {
  /** A request's record was finalised (its completion marker appeared). */
  onFinalised(key: string): void
  /** Notifications may have been missed (the server restarted or the link dropped): re-check. */
  onResync(): void
}

export interface TrackingStore {
  readonly kind: 'redis' | 'memory'
  /**
   * Merges fields into the record, refreshes its TTL and marks it active at `at` (epoch ms).
   * `restore` (the fields of earlier hops) is written only when the record is missing: a record
   * Redis lost is rebuilt, and a present one is not sent the fields it holds.
   */
  record(key: string, fields: Fields, at: number, restore?: Fields): Promise<void>
  /** Counts one heartbeat of a hop: `<hop>.beats` += 1, `<hop>.beat` = at; marks it active. */
  heartbeat(key: string, hop: string, at: number): Promise<void>
  /** Writes the last fields, creates the completion marker and drops the request from in-flight. */
  finalise(key: string, fields: Fields, restore?: Fields): Promise<void>
  read(key: string): Promise<Fields | undefined>
  isFinalised(key: string): Promise<boolean>
  /**
   * Adds `item` to the named tally and returns how many distinct items it holds (e.g. orders of
   * one customer). Idempotent, so a redelivered message does not count twice.
   */
  tally(name: string, item: string): Promise<number>
  activity(stalledBefore: number): Promise<ActivityCounts>
  /** One notification source per store, however many listeners (Redis: one subscriber connection). */
  watch(listener: FinalisedListener): Promise<() => void>
  ping(): Promise<void>
  close(): Promise<void>
}

export interface TrackingStoreOptions {
  /** Key prefix, so several deployments (and tests) share one Redis. */
  prefix: string
  ttlMs: number
}
