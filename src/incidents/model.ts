// What an incident is: a story (symptom, hints, root cause, fix) and a script of load and faults.
// Numbers in a script are ranges; a random seed picks one value from each, so a run is reproducible.

/** Where a root cause sits, in the sense the OpenRCA records use: a whole service, one process of it, or a dependency it calls. */
export const LEVELS = ['service', 'process', 'dependency'] as const
export type Level = (typeof LEVELS)[number]

/** The closed list of reasons an answer picks from (graded by exact match, as OpenRCA does). */
export const REASONS = [
  'connection pool exhausted',
  'slow query plan',
  'retry amplification',
  'consumer too slow',
  'memory leak',
  'cache latency',
  'poison message',
  'consumer lag',
  'dependency errors',
  'input-specific failure',
  'cpu saturation',
  'event loop blocked',
] as const
export type Reason = (typeof REASONS)[number]

export interface RootCause {
  /** The service that owns the faulty part (a service name from `bakery --help`). */
  readonly service: string
  /** The faulty part: a service, or `<service>.<seam>` for one of its dependencies (e.g. `baker.db`). */
  readonly component: string
  readonly level: Level
  readonly reason: Reason
}

/** A value, or a [min, max] range the random seed picks from. */
export type Param = number | string | boolean | readonly [number, number]

export interface FaultTemplate {
  /** `<service>` or `<service>.<seam>`, as the fault engine names targets. */
  readonly target: string
  /** A fault type of the fault engine (latency, error, pool-cap, memory-leak, …). */
  readonly type: string
  readonly params: Readonly<Record<string, Param>>
  /** Share of calls hit, 0..1 (a range is allowed). */
  readonly rate?: number | readonly [number, number]
  /** Hits only calls whose attribute has this value; a list lets the seed pick one. */
  readonly match?: Readonly<Record<string, string | readonly string[]>>
  /** Seconds after the run starts; a range lets the seed pick. */
  readonly startS: number | readonly [number, number]
}

/** Load an incident drives: the built-in load targets, plus the scripted traffic some stories need. */
export const LOAD_KINDS = [
  'orders',
  'coffee',
  'albums',
  'albums-by-artist',
  'events',
  'poison-orders',
] as const
export type LoadKind = (typeof LOAD_KINDS)[number]

export interface LoadTemplate {
  readonly kind: LoadKind
  /** Requests per second (a range lets the seed pick). */
  readonly rate: number | readonly [number, number]
  /** Seconds after the run starts (default 0). */
  readonly startS?: number | readonly [number, number]
  /** This traffic is the root cause itself (poison messages), so it marks the inject time. */
  readonly causal?: boolean
}

export const SIGNAL_KINDS = ['error-spans', 'slow-spans', 'fanout', 'metric-above', 'metric-rise'] as const
export type SignalKind = (typeof SIGNAL_KINDS)[number]

/**
 * A symptom the telemetry must show after injection. error-spans: spans of `service` whose name
 * contains `span` end in error; slow-spans: they last at least `threshold` ms; fanout: one trace
 * holds at least `threshold` such spans (retries); metric-above: the service's metric `span`
 * (Prometheus name, summed over its series) reaches `threshold`; metric-rise: it grows by
 * `threshold` over its value when the run started.
 */
export interface ExpectedSignal {
  readonly service: string
  readonly span: string
  readonly signal: SignalKind
  readonly threshold: number
  /** How many matching spans make the signal (default 3; metric signals ignore it). */
  readonly minCount?: number
}

/** A change to a system an incident makes and undoes (a dropped index is a latent bug, not a fault). */
export const ACTIONS = ['drop-album-artist-index'] as const
export type ActionKind = (typeof ACTIONS)[number]

export interface Incident {
  readonly name: string
  readonly title: string
  /** What the user notices first. */
  readonly symptom: string
  /** Revealed one at a time, from vague to precise. */
  readonly hints: readonly string[]
  readonly rootCause: RootCause
  readonly fix: string
  readonly faults: readonly FaultTemplate[]
  /** Harmless symptoms elsewhere, so the first red thing is not always the answer. */
  readonly decoys: readonly FaultTemplate[]
  readonly load: readonly LoadTemplate[]
  readonly actions?: readonly ActionKind[]
  readonly signals: readonly ExpectedSignal[]
  /** The services the story needs running. */
  readonly services: readonly string[]
  /** Default run length in seconds. */
  readonly durationS: number
}
