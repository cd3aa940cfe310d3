// Shared infrastructure of one process, opened lazily and once: every service in the process gets
// the same database pool (or the one embedded PGlite), and all are closed after the services stop.

import { type AdminToken, resolveAdminToken } from './admin-token.ts'
import { createRedisConnections, type Redis } from './cache/index.ts'
import type { PlatformConfig } from './config/index.ts'
import { type Database, openDatabase } from './db/index.ts'
import {
  createFaultRegistry,
  type FaultRegistry,
  parseFaultText,
  runProcessFaults,
  type Seam,
  type SeamSlot,
} from './faults/index.ts'
import { detachedSlot, scopeInfra } from './faults/scope.ts'
import type { Logger } from './log/index.ts'
import { openQueue, type Queue } from './queue/index.ts'
import { type BreakerRegistry, createBreakerRegistry } from './resilience/index.ts'
import { openStream, type Stream } from './stream/index.ts'
import { openTimeSeries, type TimeSeriesStore } from './tsdb/index.ts'

export interface Infra {
  readonly config: PlatformConfig
  database(): Promise<Database>
  /** The message queue (RabbitMQ, or the in-process queue shared by every service of the process). */
  queue(): Promise<Queue>
  /** The process's Redis connection (REDIS_URL, or `url`); undefined when it is memory://. */
  redis(url?: URL): Promise<Redis | undefined>
  /**
   * A resource of a service area opened once per process under `key` and closed with the infra
   * (e.g. the tracking store, whose one subscriber serves every hop of the process).
   */
  shared<T extends { close(): Promise<void> }>(key: string, open: () => Promise<T>): Promise<T>
  /** Circuit breakers of every outgoing call in the process (`GET /admin/breakers`). */
  readonly breakers: BreakerRegistry
  /** Injected faults of the process's services and workers (`PUT /admin/faults`). */
  readonly faults: FaultRegistry
  /** The service this view belongs to (see `forService`); undefined for the process's own. */
  readonly service: string | undefined
  /**
   * The view one service gets: the same adapters behind its fault seams (db, queue, stream,
   * cache), and the service counted as running here (its BAKERY_FAULTS entries take effect).
   */
  forService(name: string): Infra
  /** The fault slot of a seam of this view's service (outbound HTTP clients consult it). */
  seam(seam: Seam): SeamSlot
  /** Bearer token of the admin API and the dashboard login (never logged). */
  readonly adminToken: string
  /** Whether the token was generated (kept in BAKERY_ADMIN_TOKEN_FILE) rather than configured. */
  readonly adminTokenGenerated: boolean
  /** Kafka (KAFKA_BROKERS) or the embedded stream. */
  stream(): Promise<Stream>
  /** InfluxDB (INFLUX_URL) or the embedded time-series store. */
  timeSeries(): Promise<TimeSeriesStore>
  close(): Promise<void>
}

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
