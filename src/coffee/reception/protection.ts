// Back pressure and fairness for POST /orders: shed load with 503 + Retry-After while the event
// loop lags or the outbox backlog (stored, not yet confirmed by the broker) is above its bound,
// and limit each client with 429. With Redis configured the limit is shared by all replicas,
// counted on the process's Redis connection behind the `rate-limit-store` breaker; if Redis is
// away the limit fails open at once (orders are worth more than fairness for a few seconds).
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import type { Redis } from '../../platform/cache/index.ts'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { guardedRedisStore } from '../../platform/http/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import type { CoffeeDeps } from '../config.ts'

export interface ProtectionOptions {
  config: CoffeeDeps['config']
  /** Latest known outbox backlog (refreshed elsewhere; read on every health check). */
  backlog(): number
  /** The shared Redis connection and the breaker of its rate-limit calls, when Redis is configured. */
  redis: { connection: Redis; policy: ResiliencePolicy } | undefined
}

const RETRY_AFTER_S = 2
const RATE_NAMESPACE = 'bakery:coffee:rate:'

/** The breaker of the rate limit's Redis calls: a check is one INCR, so anything slow is a fault. */
export const RATE_LIMIT_BREAKER = {
  name: 'rate-limit-store',
  timeoutMs: 500,
  maxAttempts: 1,
  failureThreshold: 5,
  halfOpenAfterMs: 1000,
} as const

export async function registerProtection(scope: FastifyInstance, options: ProtectionOptions): Promise<void> {
  const { config } = options
  await scope.register(underPressure, {
    ...(config.maxEventLoopDelayMs > 0 ? { maxEventLoopDelay: config.maxEventLoopDelayMs } : {}),
    healthCheck: async () => options.backlog() <= config.coffeeMaxBacklog,
    healthCheckInterval: 500,
    exposeStatusRoute: false,
    pressureHandler: (_request, reply, type, value) => {
      reply
        .code(503)
        .header('retry-after', String(RETRY_AFTER_S))
        .send({
          code: ErrorCode.HTTP_OVERLOADED,
          message: `reception is overloaded (${type}${value === undefined ? '' : ` ${Math.round(value)}`}); retry later`,
        })
    },
  })
  if (config.coffeeRateLimit > 0) {
    await scope.register(rateLimit, {
      max: config.coffeeRateLimit,
      timeWindow: 60_000,
      ...(options.redis
        ? { store: guardedRedisStore(options.redis.connection, options.redis.policy, RATE_NAMESPACE) }
        : {}),
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        new BakeryError(
          ErrorCode.HTTP_RATE_LIMITED,
          `too many orders from this client: ${context.max} per minute; retry after ${context.after}`,
          { status: 429 },
        ),
    })
  }
}
