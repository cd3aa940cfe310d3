// A @fastify/rate-limit store on the process's shared Redis connection, behind a breaker: a limit
// check never waits for a Redis that is away (the shared connection would queue it) and never
// takes longer than its policy's timeout, so with `skipOnError` the limit fails open at once.
// The counting itself is the plugin's own RedisStore (its Lua script), unchanged.
import { createRequire } from 'node:module'
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Redis } from '../cache/index.ts'
import type { ResiliencePolicy } from '../resilience/index.ts'

type RedisStoreCtor = new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key?: string,
) => FastifyRateLimitStore

// The plugin exports no entry for its stores; the file is part of its published package.
const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as RedisStoreCtor

type Counted = { current: number; ttl: number }

/** The `store` option of @fastify/rate-limit: keys under `nameSpace`, calls under `policy`. */
export function guardedRedisStore(
  redis: Redis,
  policy: ResiliencePolicy,
  nameSpace: string,
): FastifyRateLimitStoreCtor {
  function guard(inner: FastifyRateLimitStore): FastifyRateLimitStore {
    const count = (key: string, timeWindow: number, max: number) =>
      new Promise<Counted>((resolve, reject) => {
        // Not connected: fail now (counts against the breaker) rather than wait in the queue.
        if (redis.status !== 'ready') return reject(new Error(`redis is ${redis.status}`))
        inner.incr(
          key,
          (error, result) => (result ? resolve(result) : reject(error ?? new Error('no count from redis'))),
          timeWindow,
          max,
        )
      })
    return {
      incr(key, callback, timeWindow, max) {
        // INCR is not idempotent: never retried.
        policy
          .execute(() => count(key, timeWindow, max))
          .then(
            (result) => callback(null, result),
            (error: Error) => callback(error),
          )
      },
      child: (routeOptions) => guard(inner.child(routeOptions)),
    }
  }
  // The plugin constructs the store with `new`; a constructor may return the object to use.
  return function GuardedRedisStore(options: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
    return guard(
      new RedisStore(
        options.continueExceeding ?? false,
        options.exponentialBackoff ?? false,
        redis,
        nameSpace,
      ),
    )
  } as unknown as FastifyRateLimitStoreCtor
}
