import type { Logger } from '../../platform/log/index.ts'
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
}

/** memory:// → in-process store; redis:// or rediss:// → Redis (ioredis, loaded lazily). */
export async function openTrackingStore(url: URL, options: OpenTrackingStoreOptions): Promise<TrackingStore> {
  if (url.protocol === 'memory:') return createMemoryTrackingStore(options)
  const { createRedisTrackingStore } = await import('./redis.ts')
  return createRedisTrackingStore(url, options)
}
