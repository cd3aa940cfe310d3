// The proxy's store-call policy: per-attempt timeout, retries for idempotent GETs, and a circuit
// breaker shared by every call. Kept in this one module (cockatiel underneath) so it can be
// swapped for the shared resilience policy of src/platform/resilience/ when that lands.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  IsolatedCircuitError,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel'

export type FailureKind = 'transport' | 'timeout' | 'status' | 'malformed'

/** A store call that failed in a way worth counting against the store (never a 4xx). */
export class StoreFailure extends Error {
  readonly kind: FailureKind
  readonly status: number | undefined
  readonly reply: { headers: Record<string, string>; body: unknown } | undefined

  constructor(
    kind: FailureKind,
    message: string,
    options: { cause?: unknown; status?: number; reply?: StoreFailure['reply'] } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'StoreFailure'
    this.kind = kind
    this.status = options.status
    this.reply = options.reply
  }
}

export interface StorePolicyOptions {
  timeoutMs: number
  retries: number
  breakerFailures: number
  halfOpenAfterMs: number
}

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated'

export interface StorePolicy {
  /** Runs `attempt` under the policy; `signal` aborts when the attempt's time is up. */
  execute<T>(idempotent: boolean, attempt: (signal: AbortSignal) => Promise<T>): Promise<T>
  state(): BreakerState
}

export function isCircuitOpen(error: unknown): boolean {
  return error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
}

export function createStorePolicy(options: StorePolicyOptions): StorePolicy {
  const failures = handleWhen((error) => error instanceof StoreFailure)
  const breaker = circuitBreaker(failures, {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerFailures),
  })
  // Cooperative: the attempt aborts its own request through the signal and reports a 'timeout'.
  const perAttempt = timeout(options.timeoutMs, TimeoutStrategy.Cooperative)
  const retrying = retry(failures, {
    maxAttempts: options.retries,
    backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: 250 }),
  })
  const reads = wrap(retrying, breaker, perAttempt)
  const writes = wrap(breaker, perAttempt)
  return {
    execute(idempotent, attempt) {
      return (idempotent ? reads : writes).execute(({ signal }) => attempt(signal))
    },
    state: () => STATES[breaker.state],
  }
}
