// The proxy's calls to the album store run under the shared resilience policy (breaker
// `album-store` of src/platform/resilience): a timeout per attempt, retries with backoff and
// jitter for GETs only (idempotent), a breaker every call shares and a bulkhead as wide as the
// connection pool. Only a StoreFailure (or the policy's own timeout) counts against the store:
// its 4xx answers are answers.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import type { AlbumsDeps } from '../config.ts'

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

export const ALBUM_STORE_BREAKER = 'album-store'

/** Calls to the store at once: the client's pool size, which the bulkhead matches. */
export const STORE_CONNECTIONS = 128

export function albumStorePolicy(deps: AlbumsDeps): ResiliencePolicy {
  const { config } = deps
  return deps.infra.breakers.policy(
    {
      name: ALBUM_STORE_BREAKER,
      timeoutMs: config.albumProxyTimeoutMs,
      maxAttempts: config.albumProxyRetries + 1,
      initialDelayMs: 20,
      maxDelayMs: 250,
      failureThreshold: config.albumProxyBreakerFailures,
      halfOpenAfterMs: config.albumProxyBreakerHalfOpenMs,
      concurrency: STORE_CONNECTIONS,
      bulkheadQueue: STORE_CONNECTIONS * 8,
      isFailure: (error) => error instanceof StoreFailure,
    },
    { log: deps.log, meter: deps.telemetry.meter },
  )
}

/** The policy refused the call: the breaker is open (or isolated). */
export function isCircuitOpen(error: unknown): error is BakeryError {
  return error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_CIRCUIT_OPEN
}

/** The policy gave up waiting for the store. */
export function isTimeout(error: unknown): error is BakeryError {
  return error instanceof BakeryError && error.code === ErrorCode.DEPENDENCY_TIMEOUT
}
