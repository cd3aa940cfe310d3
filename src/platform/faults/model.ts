// The fault model: where a fault can be injected (a service's seam), what it does there (its type
// and parameters), which calls it hits (rate, match) and when (schedule). Validation, the registry,
// the admin API, the CLI and the dashboard all read these tables, so they never disagree.

/** The seams of the shared platform code that consult the registry. */
export const Seam = {
  HTTP: 'http',
  HTTP_CLIENT: 'http-client',
  DB: 'db',
  QUEUE: 'queue',
  STREAM: 'stream',
  CACHE: 'cache',
  PROCESS: 'process',
} as const
export type Seam = (typeof Seam)[keyof typeof Seam]
export const SEAMS: readonly Seam[] = Object.values(Seam)

export interface ParamDef {
  readonly min: number
  readonly max: number
  readonly default: number
  readonly integer?: boolean
  readonly doc: string
}

const ms = (doc: string, fallback: number, max = 600_000): ParamDef => ({
  min: 0,
  max,
  default: fallback,
  integer: true,
  doc,
})
const latency = { ms: ms('added delay (ms)', 200), jitterMs: ms('plus a random 0..jitterMs (ms)', 0) }
const status = { min: 400, max: 599, default: 500, integer: true, doc: 'HTTP status answered' }

/** Fault types per seam, with their parameters (name → range and default). */
export const FAULT_TYPES = {
  http: {
    latency,
    error: { status },
    reset: {},
    'slow-drip': { ms: ms('the answer trickles out over this long (ms)', 2000) },
  },
  'http-client': {
    latency,
    error: { status },
    timeout: { ms: ms('the call hangs this long, then fails as a timeout (ms)', 5000) },
    refused: {},
  },
  db: {
    latency,
    error: {},
    'pool-cap': {
      connections: { min: 1, max: 64, default: 1, integer: true, doc: 'queries running at once' },
    },
    refused: {},
  },
  queue: {
    'publish-error': {},
    'publish-delay': { ms: ms('publishing waits this long (ms)', 500) },
    'consumer-stall': {},
    'slow-ack': { ms: ms('each message is acknowledged this much later (ms)', 500) },
    redeliver: {},
  },
  stream: {
    'produce-error': {},
    'consumer-slow': { ms: ms('each consumed event takes this much longer (ms)', 200) },
  },
  cache: {
    latency,
    timeout: { ms: ms('the command hangs this long, then fails as a timeout (ms)', 2000) },
    error: {},
  },
  process: {
    'cpu-burn': { share: { min: 0.01, max: 1, default: 0.5, doc: 'share of one core kept busy' } },
    'memory-leak': {
      mbPerS: { min: 0.1, max: 64, default: 4, doc: 'MB retained per second' },
      capMb: { min: 1, max: 1024, default: 64, integer: true, doc: 'stops growing at this size (MB)' },
    },
    'event-loop-block': {
      ms: ms('the event loop is blocked this long…', 200, 5000),
      everyMs: { min: 100, max: 60_000, default: 1000, integer: true, doc: '…once per this period (ms)' },
    },
    exit: {
      afterMs: ms('the process exits after this delay (ms)', 1000),
      code: { min: 0, max: 255, default: 1, integer: true, doc: 'exit code' },
    },
  },
} as const satisfies Record<Seam, Record<string, Record<string, ParamDef>>>

export type FaultType = {
  [S in Seam]: keyof (typeof FAULT_TYPES)[S]
}[Seam]

/** Request attributes a fault may be narrowed to, like feature-flag targeting. */
export const MATCH_KEYS = ['route', 'pastry', 'customer', 'coffeeType', 'artist'] as const
export type MatchKey = (typeof MATCH_KEYS)[number]
export type FaultMatch = Partial<Record<MatchKey, string>>

/** The match keys a seam can see on a call; others would be stored and never match, so are refused. */
export const SEAM_MATCH_KEYS: Readonly<Record<Seam, readonly MatchKey[]>> = {
  http: MATCH_KEYS,
  'http-client': MATCH_KEYS,
  db: [],
  queue: ['pastry', 'customer', 'coffeeType', 'artist'],
  stream: [],
  cache: [],
  process: [],
}

export interface FaultSchedule {
  /** Start this long after the fault is set (ms)… */
  startAfterMs?: number
  /** …or at this time (ISO 8601). */
  startAt?: string
  /** Active this long, then off (ms); none = until cleared. */
  durationMs?: number
  /** Start again this long after each start (ms); needs durationMs shorter than it. */
  repeatEveryMs?: number
  /** How many times in all (with repeatEveryMs); none = until cleared. */
  repeatCount?: number
}

/** One validated fault. `target` is always `<service>.<seam>` once validated. */
export interface FaultSpec {
  target: string
  service: string
  seam: Seam
  type: FaultType
  params: Record<string, number>
  /** Share of the matching calls it hits, 0..1. */
  rate: number
  match: FaultMatch
  schedule: FaultSchedule | undefined
  /** Who set it (CLI user, dashboard, env, schedule), for the log. */
  by: string
}

/** A fault as listed: its spec, whether it is acting now, and its next change. */
export interface FaultState extends FaultSpec {
  id: string
  active: boolean
  /** ISO time of the next start or end, if scheduled. */
  nextChange: string | undefined
  setAt: string
}

export type ServiceKind = 'http' | 'worker'

/**
 * The services faults can target and the seams each really uses (a fault on a seam the service
 * never crosses would be accepted and do nothing). Kept beside the service catalogue by a test.
 */
export const FAULT_SERVICES: Readonly<Record<string, { kind: ServiceKind; seams: readonly Seam[] }>> = {
  reception: { kind: 'http', seams: ['http', 'db', 'queue', 'cache', 'process'] },
  baker: { kind: 'worker', seams: ['db', 'queue', 'cache', 'process'] },
  enrichment: { kind: 'worker', seams: ['db', 'queue', 'cache', 'process'] },
  'response-builder': { kind: 'worker', seams: ['db', 'queue', 'cache', 'process'] },
  'coffee-reception': { kind: 'http', seams: ['http', 'http-client', 'db', 'queue', 'cache', 'process'] },
  barista: { kind: 'worker', seams: ['db', 'queue', 'process'] },
  payments: { kind: 'http', seams: ['http', 'db', 'process'] },
  producer: { kind: 'worker', seams: ['http-client', 'process'] },
  'event-api': { kind: 'http', seams: ['http', 'stream', 'process'] },
  'consumer-high': { kind: 'http', seams: ['http', 'db', 'stream', 'process'] },
  'consumer-low': { kind: 'http', seams: ['http', 'stream', 'process'] },
  aggregator: { kind: 'http', seams: ['http', 'db', 'stream', 'process'] },
  'album-store': { kind: 'http', seams: ['http', 'db', 'process'] },
  'album-proxy': { kind: 'http', seams: ['http', 'http-client', 'process'] },
  dashboard: { kind: 'http', seams: ['http', 'http-client', 'process'] },
}

/**
 * The request or message fields each service's traffic carries (`route` aside, which every HTTP
 * seam sees): a match on a field a service never receives would be stored and never hit.
 */
const SERVICE_FIELDS: Readonly<Record<string, readonly MatchKey[]>> = {
  reception: ['pastry', 'customer'],
  baker: ['pastry', 'customer'],
  enrichment: ['pastry', 'customer'],
  'response-builder': ['pastry', 'customer'],
  'coffee-reception': ['coffeeType'],
  'album-store': ['artist'],
  'album-proxy': ['artist'],
}

/** The match keys a fault on this service's seam can hit: what the seam sees of what the service gets. */
export function matchKeysOf(service: string, seam: Seam): MatchKey[] {
  const fields = SERVICE_FIELDS[service] ?? []
  return SEAM_MATCH_KEYS[seam].filter((key) => key === 'route' || fields.includes(key))
}

export function seamsOfType(type: string): Seam[] {
  return SEAMS.filter((seam) => type in FAULT_TYPES[seam])
}

export function paramDefs(seam: Seam, type: string): Readonly<Record<string, ParamDef>> | undefined {
  return (FAULT_TYPES[seam] as Record<string, Record<string, ParamDef>>)[type]
}

export const faultId = (spec: Pick<FaultSpec, 'target' | 'type'>): string => `${spec.target}:${spec.type}`
