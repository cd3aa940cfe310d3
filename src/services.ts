// The catalogue of services, and the composition root: the one place that wires one system into
// another (the order journey's hooks into the bakery's reception and baker). Each service is
// loaded lazily, so `bakery <service>` imports only its own code.
import type { Config, WiredDeps } from './config.ts'
import type { Service } from './platform/lifecycle/index.ts'

export interface ServiceDefinition {
  readonly name: string
  readonly system: 'bakery' | 'tracking' | 'coffee' | 'albums' | 'stream' | 'dashboard'
  /** http services listen on their own port; workers get a health/metrics port only when run alone. */
  readonly kind: 'http' | 'worker'
  readonly portKey: keyof Config
  readonly description: string
  load(): Promise<(deps: WiredDeps) => Service>
}

export const services: readonly ServiceDefinition[] = [
  {
    name: 'reception',
    system: 'bakery',
    kind: 'http',
    portKey: 'receptionPort',
    description: 'Bakery order API (POST /orders, GET /orders/:key)',
    load: async () => {
      const { createReception } = await import('./bakery/reception/index.ts')
      const { receptionHooks } = await import('./tracking/hooks.ts')
      return (deps) => createReception(deps, receptionHooks(deps))
    },
  },
  {
    name: 'baker',
    system: 'bakery',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Bakery worker: bakes the orders that reach the orders queue',
    load: async () => {
      const { createBaker } = await import('./bakery/baker/index.ts')
      const { bakerHooks } = await import('./tracking/hooks.ts')
      return (deps) => createBaker(deps, bakerHooks(deps))
    },
  },
  {
    name: 'enrichment',
    system: 'tracking',
    kind: 'worker',
    portKey: 'workerPort',
    description:
      'Order journey hop: puts itself between reception and baker, adds customer history and bake profile',
    load: async () => (await import('./tracking/enrichment/index.ts')).createEnrichment,
  },
  {
    name: 'response-builder',
    system: 'tracking',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Order journey hop: boxes the finished order and finalises its journey',
    load: async () => (await import('./tracking/response-builder/index.ts')).createResponseBuilder,
  },
  {
    name: 'coffee-reception',
    system: 'coffee',
    kind: 'http',
    portKey: 'coffeePort',
    description: 'Coffee shop reception (POST /orders, GET /orders/{id}, /coffees, /status)',
    load: async () => (await import('./coffee/reception/index.ts')).createCoffeeReception,
  },
  {
    name: 'barista',
    system: 'coffee',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Coffee baristas Thomas, Sofia and John: brew orders, publish orders.ready',
    load: async () => (await import('./coffee/barista/index.ts')).createBarista,
  },
  {
    name: 'payments',
    system: 'coffee',
    kind: 'http',
    portKey: 'paymentsPort',
    description: 'Payments (POST /payments) with fault injection (PUT /admin/faults)',
    load: async () => (await import('./coffee/payments/index.ts')).createPayments,
  },
  {
    name: 'producer',
    system: 'stream',
    kind: 'worker',
    portKey: 'workerPort',
    description: 'Stream event producer (posts events to the event API)',
    load: async () => (await import('./stream/producer/index.ts')).createProducer,
  },
  {
    name: 'event-api',
    system: 'stream',
    kind: 'http',
    portKey: 'eventApiPort',
    description: 'Stream event API (POST / JSON array or lines → Kafka)',
    load: async () => (await import('./stream/event-api/index.ts')).createEventApi,
  },
  {
    name: 'consumer-high',
    system: 'stream',
    kind: 'http',
    portKey: 'consumerHighPort',
    description: 'Stream consumer: amount > WATERMARK → PostgreSQL, exactly once',
    load: async () => (await import('./stream/consumer-high/index.ts')).createConsumerHigh,
  },
  {
    name: 'consumer-low',
    system: 'stream',
    kind: 'http',
    portKey: 'consumerLowPort',
    description: 'Stream consumer: amount <= WATERMARK → InfluxDB, idempotent',
    load: async () => (await import('./stream/consumer-low/index.ts')).createConsumerLow,
  },
  {
    name: 'aggregator',
    system: 'stream',
    kind: 'http',
    portKey: 'aggregatorPort',
    description: 'Stream aggregator (GET /api counts per bucket, GET /api/stream SSE)',
    load: async () => (await import('./stream/aggregator/index.ts')).createAggregator,
  },
  {
    name: 'album-store',
    system: 'albums',
    kind: 'http',
    portKey: 'albumStorePort',
    description: 'Album catalog REST API in PostgreSQL (GET/POST/PUT/DELETE /albums, /swagger)',
    load: async () => (await import('./albums/store/index.ts')).createAlbumStore,
  },
  {
    name: 'album-proxy',
    system: 'albums',
    kind: 'http',
    portKey: 'albumProxyPort',
    description: 'Album API through a traced client with timeout, retries and a breaker',
    load: async () => (await import('./albums/proxy/index.ts')).createAlbumProxy,
  },
  {
    name: 'dashboard',
    system: 'dashboard',
    kind: 'http',
    portKey: 'dashboardPort',
    description: 'Web dashboard, trace viewer and OTLP/HTTP receiver (/api, /v1/traces)',
    load: async () => (await import('./dashboard/index.ts')).createDashboard,
  },
]

export function findService(name: string): ServiceDefinition | undefined {
  return services.find((s) => s.name === name)
}
