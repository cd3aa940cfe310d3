// The ioredis adapter: a connection that survives Redis restarts. Commands issued while Redis is
// away wait in the offline queue and run when it is back (the tracking store relies on that);
// callers that must not wait bound their calls with a resilience policy (timeout, breaker) or
// check `status` first.
import { Redis } from 'ioredis'
import type { RedisOptions } from './options.ts'

export function connectRedis(url: URL, options: RedisOptions): Redis {
  const redis = new Redis(url.href, {
    connectionName: options.clientName ?? `bakery:${process.pid}`,
    maxRetriesPerRequest: 50,
    // Commands issued in the same tick leave in one write: under load the tracking store's
    // per-order writes of many orders share a syscall instead of one each.
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  })
  const where = `${url.hostname}:${url.port || 6379}`
  let lastError = ''
  redis.on('error', (error: Error) => {
    // ioredis reports every failed reconnect; log each distinct failure once.
    if (error.message === lastError) return
    lastError = error.message
    options.log.warn({ err: error, redis: where }, 'redis connection error')
  })
  redis.on('ready', () => {
    if (lastError !== '') options.log.info({ redis: where }, 'redis connection restored')
    lastError = ''
  })
  return redis
}
