// What a service sees of the process's shared infrastructure (created in infra.ts; each
// service's view is scoped behind its fault seams in faults/scope.ts).
import type { Redis } from './cache/index.ts'
import type { PlatformConfig } from './config/index.ts'
import type { Database } from './db/index.ts'
import type { FaultRegistry, Seam, SeamSlot } from './faults/index.ts'
import type { Queue } from './queue/index.ts'
import type { BreakerRegistry } from './resilience/index.ts'
import type { Stream } from './stream/index.ts'
import type { TimeSeriesStore } from './tsdb/index.ts'

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
