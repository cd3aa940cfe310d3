// Options of a load run, with defaults and checks in one place (the CLI and the dashboard both
// build runs through startLoad, so a bad option fails the same way from either).
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import { isTargetName, type TargetName } from './target.ts'

export interface LoadOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:8000. */
  readonly url: string
  /** Which API to load; default orders. */
  readonly target?: TargetName
  /** open = a target request rate (needs `rate`); closed = virtual users (needs `vus`). */
  readonly mode?: 'open' | 'closed'
  /** Open loop: requests per second once the ramp is over. */
  readonly rate?: number
  /** Closed loop: virtual users, each sending its next request after the reply (and think time). */
  readonly vus?: number
  /** Measured window. */
  readonly durationMs: number
  /** Load before the measured window (requests sent then are not in the figures; orders are followed). */
  readonly warmupMs?: number
  /** The rate (or the number of users) grows linearly from 0 over this time. */
  readonly rampMs?: number
  /** Closed loop: pause after each reply, as k6's sleep(). */
  readonly thinkMs?: number
  /** Keep-alive connections; default vus (closed) or 64 (open). */
  readonly connections?: number
  /** albums: page size; events: events per POST. */
  readonly batch?: number
  /** Follow accepted orders to their final status after the load (orders, coffee); default true. */
  readonly track?: boolean
  /** How long to keep polling for orders not yet final after the load; default 60 s. */
  readonly drainTimeoutMs?: number
  /** Parallel GETs while draining; default 32. */
  readonly pollConcurrency?: number
  /** Orders followed at most (memory bound); default 1,000,000. */
  readonly trackLimit?: number
  /** Open loop: requests waiting for a reply at most; more are counted as dropped. Default 10,000. */
  readonly maxInFlight?: number
  /** Per-request timeout; default 15 s (the seed's server timeout). */
  readonly timeoutMs?: number
  /** How often a `progress` event is emitted; default 1 s. */
  readonly progressIntervalMs?: number
  /** Random source in [0, 1); default Math.random. */
  readonly random?: () => number
}

export type ResolvedOptions = Required<Omit<LoadOptions, 'rate' | 'vus'>> & {
  readonly rate: number
  readonly vus: number
}

function invalid(message: string): never {
  throw new BakeryError(ErrorCode.LOAD_OPTIONS_INVALID, message)
}

const positive = (name: string, value: number | undefined, integer = false) => {
  if (value === undefined) return
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    invalid(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`)
}
const notNegative = (name: string, value: number | undefined) => {
  if (value !== undefined && (!Number.isFinite(value) || value < 0))
    invalid(`${name} must be 0 or more, got ${value}`)
}

export function resolveOptions(options: LoadOptions): ResolvedOptions {
  let base: URL
  try {
    base = new URL(options.url)
  } catch {
    invalid(`url "${options.url}" is not a URL`)
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    invalid(`url must be http(s), got ${base.protocol}`)
  const target = options.target ?? 'orders'
  if (!isTargetName(target)) invalid(`target must be orders, coffee, albums or events, got ${target}`)
  const mode = options.mode ?? (options.rate !== undefined ? 'open' : 'closed')
  if (mode !== 'open' && mode !== 'closed') invalid(`mode must be open or closed, got ${String(mode)}`)
  if (mode === 'open' && options.rate === undefined) invalid('open loop needs a rate (requests per second)')
  positive('rate', options.rate)
  positive('vus', options.vus, true)
  positive('durationMs', options.durationMs)
  positive('connections', options.connections, true)
  positive('batch', options.batch, true)
  positive('pollConcurrency', options.pollConcurrency, true)
  positive('trackLimit', options.trackLimit, true)
  positive('maxInFlight', options.maxInFlight, true)
  positive('timeoutMs', options.timeoutMs)
  positive('progressIntervalMs', options.progressIntervalMs)
  for (const name of ['warmupMs', 'rampMs', 'thinkMs', 'drainTimeoutMs'] as const)
    notNegative(name, options[name])
  const vus = options.vus ?? 16
  return {
    url: options.url,
    target,
    mode,
    rate: options.rate ?? 0,
    vus,
    durationMs: options.durationMs,
    warmupMs: options.warmupMs ?? 0,
    rampMs: options.rampMs ?? 0,
    thinkMs: options.thinkMs ?? 0,
    connections: options.connections ?? (mode === 'closed' ? vus : 64),
    batch: options.batch ?? (target === 'albums' ? 100 : 10),
    track: options.track ?? true,
    drainTimeoutMs: options.drainTimeoutMs ?? 60_000,
    pollConcurrency: options.pollConcurrency ?? 32,
    trackLimit: options.trackLimit ?? 1_000_000,
    maxInFlight: options.maxInFlight ?? 10_000,
    timeoutMs: options.timeoutMs ?? 15_000,
    progressIntervalMs: options.progressIntervalMs ?? 1000,
    random: options.random ?? Math.random,
  }
}
