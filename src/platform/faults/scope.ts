// One service's view of the process's infrastructure: the same shared adapters, each behind the
// service's fault seams, so every service gets db, queue, stream and cache faults without code of
// its own. Wrapped once per service and opened lazily like the adapters themselves.
import type { Infra } from '../infra-types.ts'
import { faultyCache, REDIS_METHODS } from './cache.ts'
import { faultyDatabase } from './db.ts'
import type { Seam } from './model.ts'
import { faultyQueue } from './queue.ts'
import type { SeamSlot } from './registry.ts'
import { faultyStream } from './stream.ts'

function lazy<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined
  return () => {
    opened ??= open()
    return opened
  }
}

export function scopeInfra(base: Infra, service: string): Infra {
  const { faults } = base
  const slot = (seam: Seam) => faults.slot(service, seam)
  const redis = new Map<string, ReturnType<Infra['redis']>>()
  return {
    config: base.config,
    service,
    breakers: base.breakers,
    faults,
    get adminToken() {
      return base.adminToken
    },
    get adminTokenGenerated() {
      return base.adminTokenGenerated
    },
    forService: (name) => base.forService(name),
    seam: slot,
    database: lazy(async () => faultyDatabase(await base.database(), slot('db'))),
    queue: lazy(async () => faultyQueue(await base.queue(), slot('queue'))),
    stream: lazy(async () => faultyStream(await base.stream(), slot('stream'))),
    redis(url) {
      const key = url?.href ?? ''
      let opened = redis.get(key)
      if (!opened) {
        opened = base.redis(url).then((r) => r && faultyCache(r, slot('cache'), REDIS_METHODS))
        redis.set(key, opened)
      }
      return opened
    },
    shared: (key, open) => base.shared(key, open),
    timeSeries: () => base.timeSeries(),
    close: () => base.close(),
  }
}

/** A slot no fault ever reaches, for code running outside any service (tools, tests). */
export function detachedSlot(seam: Seam): SeamSlot {
  return { service: '', seam, active: [] }
}
