// The catalogue of services: names, systems, kinds, ports and descriptions, without their code.
// The dashboard, the fault CLI and the tests read it to find and describe services; the
// composition root (src/services.ts) adds how each one is loaded and wired.
import type { Config } from './config.ts'

export interface ServiceInfo {
  readonly name: string
  readonly system: 'bakery' | 'tracking' | 'coffee' | 'albums' | 'stream' | 'dashboard'
  /** http services listen on their own port; workers get a health/metrics port only when run alone. */
  readonly kind: 'http' | 'worker'
  readonly portKey: keyof Config
  readonly description: string
}

export const catalogue = [
  {
    name: 'reception',
    system: 'bakery',
    kind: 'http',
    portKey: 'receptionPort',
    description: 'Bakery order API (POST /orders, GET /orders/:key)',
  },
  {
    name: 'baker',
    system: 'bakery',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Bakery worker: bakes the orders that reach the orders queue',
  },
  {
    name: 'enrichment',
    system: 'tracking',
    kind: 'worker',
    portKey: 'workerPort',
    description:
      'Order journey hop: puts itself between reception and baker, adds customer history and bake profile',
  },
  {
    name: 'response-builder',
    system: 'tracking',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Order journey hop: boxes the finished order and finalises its journey',
  },
  {
    name: 'coffee-reception',
    system: 'coffee',
    kind: 'http',
    portKey: 'coffeePort',
    description: 'Coffee shop reception (POST /orders, GET /orders/{id}, /coffees, /status)',
  },
  {
    name: 'barista',
    system: 'coffee',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Coffee baristas Thomas, Sofia and John: brew orders, publish orders.ready',
  },
  {
    name: 'payments',
    system: 'coffee',
    kind: 'http',
    portKey: 'paymentsPort',
    description: 'Payments (POST /payments) with fault injection (PUT /admin/faults)',
  },
  {
    name: 'producer',
    system: 'stream',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Stream event producer (posts events to the event API)',
  },
  {
    name: 'event-api',
    system: 'stream',
    kind: 'http',
    portKey: 'eventApiPort',
    description: 'Stream event API (POST / JSON array or lines → Kafka)',
  },
  {
    name: 'consumer-high',
    system: 'stream',
    kind: 'http',
    portKey: 'consumerHighPort',
    description: 'Stream consumer: amount > WATERMARK → PostgreSQL, exactly once',
  },
  {
    name: 'consumer-low',
    system: 'stream',
    kind: 'http',
    portKey: 'consumerLowPort',
    description: 'Stream consumer: amount <= WATERMARK → InfluxDB, idempotent',
  },
  {
    name: 'aggregator',
    system: 'stream',
    kind: 'http',
    portKey: 'aggregatorPort',
    description: 'Stream aggregator (GET /api counts per bucket, GET /api/stream SSE)',
  },
  {
    name: 'album-store',
    system: 'albums',
    kind: 'http',
    portKey: 'albumStorePort',
    description: 'Album catalog REST API in PostgreSQL (GET/POST/PUT/DELETE /albums, /swagger)',
  },
  {
    name: 'album-proxy',
    system: 'albums',
    kind: 'http',
    portKey: 'albumProxyPort',
    description: 'Album API through a traced client with timeout, retries and a breaker',
  },
  {
    name: 'dashboard',
    system: 'dashboard',
    kind: 'http',
    portKey: 'dashboardPort',
    description: 'Web dashboard, trace viewer and OTLP/HTTP receiver (/api, /v1/traces)',
  },
] as const satisfies readonly ServiceInfo[]

export type ServiceName = (typeof catalogue)[number]['name']

export function findServiceInfo(name: string): ServiceInfo | undefined {
  return catalogue.find((s: ServiceInfo) => s.name === name)
}

/**
 * The port whose process answers for `service`'s admin API: an http service's own port, or the
 * worker port of the process that runs a worker.
 */
export function adminPortKey(service: ServiceInfo): keyof Config {
  return service.kind === 'worker' ? 'workerPort' : service.portKey
}
