// One resilience policy per dependency (payments, album store, Redis, the database): a timeout per
// attempt, retries with exponential backoff and jitter for idempotent calls only, a circuit breaker
// that fails fast while the dependency is down, and a bulkhead so a slow dependency cannot take
// every socket and every pending promise of the process with it.
import { trace } from '@opentelemetry/api'
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  wrap,
} from 'cockatiel'
import { BakeryError, ErrorCode, errorMessage } from '../errors.ts'
import type { Logger } from '../log/index.ts'
import { withDeadline } from './deadline.ts'

export const BreakerState = {
  closed: 'closed',
  open: 'open',
  halfOpen: 'half-open',
  isolated: 'isolated',
} as const
export type BreakerState = (typeof BreakerState)[keyof typeof BreakerState]

export interface ResilienceOptions {
  /** The dependency's name: breaker name in logs, metrics and `GET /admin/breakers`. */
  name: string
  /** Per attempt; the call's AbortSignal fires when it expires. */
  timeoutMs: number
  /** Attempts of an idempotent call, the first included (1 = no retry). */
  maxAttempts: number
  initialDelayMs: number
  maxDelayMs: number
  /** Consecutive failures that open the breaker. */
  failureThreshold: number
  /** How long the breaker stays open before it lets one trial call through (half-open). */
  halfOpenAfterMs: number
  /** Calls in flight at once; more wait in a queue of `bulkheadQueue`, beyond that are rejected. */
  concurrency: number
  bulkheadQueue: number
  /**
   * Which errors count as the dependency failing (default: all); only those are retried and trip
   * the breaker. A 4xx answer is not a failure. The policy's own timeout always is.
   */
  isFailure?: (error: Error) => boolean
}

export interface BreakerSnapshot {
  name: string
  state: BreakerState
  since: string
  /** Attempts that failed and counted against the breaker (retries included). */
  failures: number
  successes: number
  rejected: number
  transitions: number
  lastFailure: string | undefined
}

export interface CallOptions {
  /** Only idempotent calls are retried: a retried POST could charge twice. */
  idempotent?: boolean
  signal?: AbortSignal
}

export interface ResiliencePolicy {
  readonly name: string
  state(): BreakerState
  snapshot(): BreakerSnapshot
  execute<T>(fn: (signal: AbortSignal) => Promise<T>, options?: CallOptions): Promise<T>
  onStateChange(listener: (to: BreakerState, from: BreakerState) => void): void
  /** Whole seconds a caller should wait before trying again (Retry-After) while the breaker is open. */
  retryAfterS(): number
}

export const defaultResilience = {
  timeoutMs: 2000,
  maxAttempts: 3,
  initialDelayMs: 50,
  maxDelayMs: 2000,
  failureThreshold: 5,
  halfOpenAfterMs: 2000,
  concurrency: 64,
  bulkheadQueue: 256,
} as const satisfies Omit<ResilienceOptions, 'name'>

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: BreakerState.closed,
  [CircuitState.Open]: BreakerState.open,
  [CircuitState.HalfOpen]: BreakerState.halfOpen,
  [CircuitState.Isolated]: BreakerState.isolated,
}

export function createResiliencePolicy(options: ResilienceOptions, log: Logger): ResiliencePolicy {
  const { name } = options
  const isFailure = options.isFailure ?? (() => true)
  // The policy's own timeout always counts: a dependency that does not answer is failing.
  const counts = (error: Error) =>
    !(error instanceof BrokenCircuitError) && (error instanceof TaskCancelledError || isFailure(error))
  const handler = handleWhen(counts)
  const breaker = circuitBreaker(handler, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.failureThreshold),
  })
  // Retries back off exponentially with decorrelated jitter (cockatiel's default generator), so
  // many clients recovering at once do not retry in lock-step. An open breaker is not retried.
  const retrying = retry(handler, {
    maxAttempts: Math.max(0, options.maxAttempts - 1),
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
  })
  const limit = bulkhead(options.concurrency, options.bulkheadQueue)
  // The deadline runs inside the breaker (per attempt), so a timeout counts as a failure.
  const once: IPolicy = wrap(limit, breaker)
  const withRetry: IPolicy = wrap(limit, retrying, breaker)

  let state: BreakerState = BreakerState.closed
  let since = new Date()
  const tally = { failures: 0, successes: 0, rejected: 0, transitions: 0 }
  let lastFailure: string | undefined
  const listeners: ((to: BreakerState, from: BreakerState) => void)[] = []

  // Every attempt the breaker counts against the dependency (retries included): a call whose
  // retries all meet an open breaker failed too, though it ends as `rejected`.
  breaker.onFailure(({ handled, reason }) => {
    if (!handled) return
    tally.failures++
    lastFailure = 'error' in reason ? errorMessage(reason.error) : 'failed'
  })

  breaker.onStateChange((next) => {
    const from = state
    state = STATE_NAMES[next]
    since = new Date()
    tally.transitions++
    const fields = { breaker: name, from, to: state }
    if (state === BreakerState.open) log.warn({ ...fields, lastFailure }, 'circuit breaker opened')
    else log.info(fields, 'circuit breaker state changed')
    // The call that tripped (or closed) the breaker carries the change in its trace.
    trace.getActiveSpan()?.addEvent('circuit_breaker.state_change', {
      'circuit_breaker.name': name,
      'circuit_breaker.from': from,
      'circuit_breaker.to': state,
    })
    for (const listener of listeners) listener(state, from)
  })

  async function execute<T>(fn: (signal: AbortSignal) => Promise<T>, call: CallOptions = {}): Promise<T> {
    const policy = call.idempotent ? withRetry : once
    try {
      const attempt = () => withDeadline(fn, options.timeoutMs, call.signal)
      const result = await policy.execute(attempt, call.signal)
      tally.successes++
      return result as T
    } catch (error) {
      throw translate(error)
    }
  }

  function translate(error: unknown): unknown {
    if (error instanceof BrokenCircuitError) {
      tally.rejected++
      return new BakeryError(ErrorCode.DEPENDENCY_CIRCUIT_OPEN, `${name} circuit breaker is open`, {
        cause: error,
        retryable: true,
        status: 503,
        retryAfterS: retryAfterS(),
      })
    }
    if (error instanceof BulkheadRejectedError) {
      tally.rejected++
      return new BakeryError(ErrorCode.DEPENDENCY_SATURATED, `too many calls to ${name} in flight`, {
        cause: error,
        retryable: true,
        status: 503,
        retryAfterS: 1,
      })
    }
    if (error instanceof TaskCancelledError) {
      return new BakeryError(
        ErrorCode.DEPENDENCY_TIMEOUT,
        `${name} did not answer in ${options.timeoutMs} ms`,
        { cause: error, retryable: true, status: 503, retryAfterS: 1 },
      )
    }
    return error
  }

  /** Whole seconds until an open breaker lets a trial call through (at least 1). */
  function retryAfterS(): number {
    const left = state === BreakerState.open ? options.halfOpenAfterMs - (Date.now() - since.getTime()) : 0
    return Math.max(1, Math.ceil(left / 1000))
  }

  return {
    name,
    state: () => state,
    snapshot: () => ({ name, state, since: since.toISOString(), ...tally, lastFailure }),
    retryAfterS,
    execute,
    onStateChange(listener) {
      listeners.push(listener)
    },
  }
}
