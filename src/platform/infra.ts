// Shared infrastructure of one process, opened lazily and once: every service in the process gets
// the same database pool (or the one embedded PGlite), and all are closed after the services stop.

import { type AdminToken, resolveAdminToken } from './admin-token.ts'
import { createRedisConnections } from './cache/index.ts'
import type { PlatformConfig } from './config/index.ts'
import { openDatabase } from './db/index.ts'
import { createFaultRegistry, parseFaultText, runProcessFaults } from './faults/index.ts'
import { detachedSlot, scopeInfra } from './faults/scope.ts'
import type { Infra } from './infra-types.ts'
import type { Logger } from './log/index.ts'
import { openQueue } from './queue/index.ts'
import { createBreakerRegistry } from './resilience/index.ts'
import { openStream } from './stream/index.ts'
import { openTimeSeries } from './tsdb/index.ts'

export type { Infra }

export function createInfra(config: PlatformConfig, log: Logger): Infra {
  const closers: (() => Promise<void>)[] = []
  function once<T extends { close(): Promise<void> }>(open: () => Promise<T>): () => Promise<T> {
    let opened: Promise<T> | undefined
    return () => {
      if (!opened) {
        opened = open()
        closers.push(async () => (await opened)?.close())
      }
      return opened
    }
  }
  const shared = new Map<string, () => Promise<unknown>>()
  const redis = createRedisConnections({ log: log.child({ adapter: 'redis' }) })
  closers.push(() => redis.close())
  let token: AdminToken | undefined
  // Resolved on first use: a process whose services have no admin API never writes the file.
  const adminToken = () => {
    token ??= resolveAdminToken(config.adminToken, config.adminTokenFile)
    return token
  }
  const faults = createFaultRegistry()
  const stopProcessFaults = runProcessFaults(faults)
  // Each process applies the entries of the services it runs; the others belong to other processes.
  const fromEnv = parseFaultText(config.faults, 'BAKERY_FAULTS').specs
  const infra: Infra = {
    config,
    service: undefined,
    breakers: createBreakerRegistry(),
    faults,
    forService(name) {
      if (!faults.localServices.has(name)) {
        faults.localServices.add(name)
        for (const spec of fromEnv) if (spec.service === name) faults.set(spec)
      }
      return scopeInfra(infra, name)
    },
    seam: detachedSlot,
    get adminToken() {
      return adminToken().value
    },
    get adminTokenGenerated() {
      return adminToken().generated
    },
    database: once(() =>
      openDatabase(config.databaseUrl, {
        poolSize: config.databasePoolSize,
        log: log.child({ adapter: 'database' }),
        pgliteSnapshotDir: config.pgliteSnapshotDir || undefined,
      }),
    ),
    queue: once(() => openQueue(config.amqpUrl, { log: log.child({ adapter: 'queue' }) })),
    redis: (url = config.redisUrl) => redis.open(url),
    shared<T extends { close(): Promise<void> }>(key: string, open: () => Promise<T>): Promise<T> {
      let get = shared.get(key)
      if (!get) {
        get = once(open)
        shared.set(key, get)
      }
      return get() as Promise<T>
    },
    stream: once(() =>
      openStream(config.kafkaBrokers, { clientId: 'bakery', retention: embeddedRetention(config) }),
    ),
    timeSeries: once(() =>
      openTimeSeries(config.influxUrl, {
        database: config.influxDatabase,
        api: config.influxApi,
        org: config.influxOrg,
        token: config.influxToken,
        retention: embeddedRetention(config),
      }),
    ),
    async close() {
      for (const close of closers.reverse()) {
        await close().catch((error: unknown) => log.warn({ err: error }, 'closing an adapter failed'))
      }
      faults.clear({}, 'shutdown')
      stopProcessFaults()
    },
  }
  return infra
}

/** Bounds of the embedded stream (per partition) and time-series store, in bytes and age. */
function embeddedRetention(config: PlatformConfig) {
  return { maxBytes: config.embeddedRetentionBytes, maxAgeMs: config.embeddedRetentionMs }
}
