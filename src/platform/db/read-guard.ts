// Reads that answer a request (GET /orders/:key …) go through the process's database breaker:
// while the database is down they fail fast with 503 + Retry-After (BKR_DB_UNAVAILABLE) instead of
// a 500, and stop queueing on a pool that cannot connect. Writes are not guarded: the order paths
// have their own answers (outbox, 503 on a failed insert) and are kept free of per-call overhead.

import type { Meter } from '@opentelemetry/api'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { Logger } from '../log/index.ts'
import type { BreakerRegistry, ResiliencePolicy } from '../resilience/index.ts'
import { isRetryableDbError } from './retryable.ts'

export const DATABASE_BREAKER = 'database'

/** The database breaker of the process (one pool, one breaker), exported on `scope.meter`. */
export function databaseReadPolicy(
  breakers: BreakerRegistry,
  scope: { log: Logger; meter: Meter },
): ResiliencePolicy {
  return breakers.policy(
    {
      name: DATABASE_BREAKER,
      // The pool's own connect timeout is 5 s; a read still waiting then is as good as failed.
      timeoutMs: 5000,
      maxAttempts: 2,
      initialDelayMs: 50,
      maxDelayMs: 200,
      failureThreshold: 5,
      halfOpenAfterMs: 2000,
      // Reads queue on the pool (DATABASE_POOL_SIZE); the bulkhead only bounds a pile-up.
      concurrency: 256,
      bulkheadQueue: 4096,
      // A bad query or a constraint is an answer, not an outage: it neither retries nor trips.
      isFailure: isRetryableDbError,
    },
    scope,
  )
}

/** Runs `read` (idempotent: retried once) under `policy`; an unavailable database is a 503. */
export async function guardedRead<T>(policy: ResiliencePolicy, read: () => Promise<T>): Promise<T> {
  try {
    return await policy.execute(() => read(), { idempotent: true })
  } catch (error) {
    throw asUnavailable(error)
  }
}

function asUnavailable(error: unknown): unknown {
  const refused = error instanceof BakeryError && error.status === 503
  if (!refused && !isRetryableDbError(error)) return error
  return new BakeryError(ErrorCode.DB_UNAVAILABLE, 'the database is unavailable; retry later', {
    cause: error,
    retryable: true,
    status: 503,
    retryAfterS: refused ? (error.retryAfterS ?? 1) : 2,
  })
}
