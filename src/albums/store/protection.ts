// Rate limiting (429 + Retry-After per client address) and load shedding (503 + Retry-After when
// the event loop lags), scoped to the album routes so probes and /metrics always answer.
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { HttpApp } from '../../platform/http/index.ts'
import type { AlbumsDeps } from '../config.ts'

export async function registerProtection(scope: HttpApp, config: AlbumsDeps['config']): Promise<void> {
  if (config.albumMaxEventLoopDelayMs > 0) {
    await scope.register(underPressure, {
      maxEventLoopDelay: config.albumMaxEventLoopDelayMs,
      sampleInterval: 1000,
      retryAfter: 1,
      exposeStatusRoute: false,
      // under-pressure reports Infinity when a sample window had no loop ticks at all, which is
      // what start-up (migrations, plugin loading) looks like: not a reason to shed traffic.
      // Async: once the promise settles under-pressure calls next(), and Fastify stops there
      // when the reply was already sent.
      pressureHandler: async (_request, reply, _type, value) => {
        if (typeof value === 'number' && !Number.isFinite(value)) return
        await reply
          .code(503)
          .header('retry-after', '1')
          .send({ errors: null, message: 'album store is overloaded, retry later' })
      },
    })
  }
  if (config.albumRateLimitMax > 0) {
    await scope.register(rateLimit, {
      max: config.albumRateLimitMax,
      timeWindow: config.albumRateLimitWindowMs,
      errorResponseBuilder: (_request, context) =>
        Object.assign(new Error(`rate limit exceeded, retry in ${context.after}`), { statusCode: 429 }),
    })
  }
}
