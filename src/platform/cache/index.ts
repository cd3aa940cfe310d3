// Redis for the whole process: one command connection per URL, opened on first use and closed at
// shutdown, shared by every caller (the tracking store, the coffee rate limit).
//
// No cache port with an in-memory twin here (STYLE.md §2): the callers use what only Redis has
// (Lua scripts in @fastify/rate-limit, keyspace notifications and pipelines in the tracking
// store), and each already has its own in-process adapter for `memory://` (the tracking store's
// memory adapter, the rate limit's local store). So `memory://` opens nothing: `undefined`.
import type { Redis } from 'ioredis'
import { BakeryError, ErrorCode } from '../errors.ts'

export type { Redis } from 'ioredis'

import type { RedisOptions } from './options.ts'

export type { RedisOptions }

export interface RedisConnections {
  /** The process's connection to `url` (the same one for the same URL); undefined for memory://. */
  open(url: URL): Promise<Redis | undefined>
  /** Closes every connection opened here. */
  close(): Promise<void>
}

export function isRedisUrl(url: URL): boolean {
  return url.protocol === 'redis:' || url.protocol === 'rediss:'
}

/** A connection of its own to `url` (redis:// or rediss://); the caller closes it with closeRedis. */
export async function openRedis(url: URL, options: RedisOptions): Promise<Redis> {
  if (!isRedisUrl(url)) {
    throw new BakeryError(ErrorCode.ADAPTER_UNSUPPORTED, `no Redis adapter for ${url.protocol}//`)
  }
  const { connectRedis } = await import('./ioredis.ts') // lazy: embedded mode never loads ioredis
  return connectRedis(url, options)
}

/**
 * QUIT when connected (pending replies arrive first), else drop the socket and stop reconnecting;
 * resolves when the connection has ended (at most a second later).
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  const ended = new Promise<void>((resolve) => {
    redis.once('end', resolve)
    setTimeout(resolve, 1000).unref()
  })
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect())
  else redis.disconnect()
  await ended
}

export function createRedisConnections(options: RedisOptions): RedisConnections {
  const connections = new Map<string, Promise<Redis>>()
  return {
    async open(url) {
      if (url.protocol === 'memory:') return undefined
      let connection = connections.get(url.href)
      if (!connection) {
        connection = openRedis(url, options)
        connections.set(url.href, connection)
        connection.catch(() => connections.delete(url.href))
      }
      return connection
    },
    async close() {
      const opened = [...connections.values()]
      connections.clear()
      for (const connection of opened) {
        const redis = await connection.catch(() => undefined)
        if (redis) await closeRedis(redis)
      }
    },
  }
}
