import { closeRedis, openRedis, type Redis } from '../../platform/cache/index.ts'
import { faultyCache, withoutCacheFaults } from '../../platform/faults/index.ts'
import type { Logger } from '../../platform/log/index.ts'
import type { TrackingDeps } from '../config.ts'
import { createMemoryTrackingStore } from './memory.ts'
import type { TrackingStore } from './port.ts'

export { mergeNotifyFlags } from './notify-flags.ts'
export type {
  ActivityCounts,
  Fields,
  FinalisedListener,
  TrackingStore,
  TrackingStoreOptions,
} from './port.ts'

export interface OpenTrackingStoreOptions {
  prefix: string
  ttlMs: number
  log: Logger
  clientName?: string | undefined
  /** A shared Redis connection to use (not closed with the store); else the store opens its own. */
  connection?: Redis | undefined
}

/** memory:// → in-process store; redis:// or rediss:// → Redis (ioredis, loaded lazily). */
export async function openTrackingStore(url: URL, options: OpenTrackingStoreOptions): Promise<TrackingStore> {
  if (url.protocol === 'memory:') return createMemoryTrackingStore(options)
  const { createRedisTrackingStore } = await import('./redis.ts')
  if (options.connection) return createRedisTrackingStore(options.connection, options)
  const own = await openRedis(url, { log: options.log, clientName: options.clientName })
  const store = createRedisTrackingStore(own, options)
  return {
    ...store,
    async close() {
      await store.close()
      await closeRedis(own)
    },
  }
}

/**
 * The process's one tracking store, on the process's Redis connection: every hop and the
 * entrypoint of a process share it, so however many requests wait there is one subscriber.
 */
export function processTrackingStore(
  deps: Pick<TrackingDeps, 'config' | 'infra' | 'log'>,
): Promise<TrackingStore> {
  const { config, infra } = deps
  const connection = async () => {
    const redis = await infra.redis()
    return redis && withoutCacheFaults(redis)
  }
  const shared = infra.shared('tracking-store', async () =>
    openTrackingStore(config.redisUrl, {
      prefix: config.trackingPrefix,
      ttlMs: config.trackingTtlSeconds * 1000,
      log: deps.log.child({ adapter: 'tracking-store' }),
      connection: await connection(),
    }),
  )
  // One store per process, each service's calls behind its own cache fault seam.
  return shared.then((store) => faultyCache(store, infra.seam('cache'), STORE_COMMANDS))
}

const STORE_COMMANDS = ['record', 'heartbeat', 'finalise', 'read', 'isFinalised', 'tally', 'activity', 'ping']
