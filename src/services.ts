// The composition root of the services: how each service of the catalogue (src/catalogue.ts) is
// loaded, and the one place that wires one system into another (the order journey's hooks into
// the bakery's reception and baker). Each service is loaded lazily, so `bakery <service>` imports
// only its own code.
import { catalogue, type ServiceInfo, type ServiceName } from './catalogue.ts'
import type { WiredDeps } from './config.ts'
import type { Service } from './platform/lifecycle/index.ts'

export interface ServiceDefinition extends ServiceInfo {
  load(): Promise<(deps: WiredDeps) => Service>
}

type Loader = ServiceDefinition['load']

/** One loader per catalogue entry (the type makes a missing one a compile error). */
const loaders: Record<ServiceName, Loader> = {
  reception: async () => {
    const { createReception } = await import('./bakery/reception/index.ts')
    const { receptionHooks } = await import('./tracking/hooks.ts')
    return (deps) => createReception(deps, receptionHooks(deps))
  },
  baker: async () => {
    const { createBaker } = await import('./bakery/baker/index.ts')
    const { bakerHooks } = await import('./tracking/hooks.ts')
    return (deps) => createBaker(deps, bakerHooks(deps))
  },
  enrichment: async () => (await import('./tracking/enrichment/index.ts')).createEnrichment,
  'response-builder': async () =>
    (await import('./tracking/response-builder/index.ts')).createResponseBuilder,
  'coffee-reception': async () => (await import('./coffee/reception/index.ts')).createCoffeeReception,
  barista: async () => (await import('./coffee/barista/index.ts')).createBarista,
  payments: async () => (await import('./coffee/payments/index.ts')).createPayments,
  producer: async () => (await import('./stream/producer/index.ts')).createProducer,
  'event-api': async () => (await import('./stream/event-api/index.ts')).createEventApi,
  'consumer-high': async () => (await import('./stream/consumer-high/index.ts')).createConsumerHigh,
  'consumer-low': async () => (await import('./stream/consumer-low/index.ts')).createConsumerLow,
  aggregator: async () => (await import('./stream/aggregator/index.ts')).createAggregator,
  'album-store': async () => (await import('./albums/store/index.ts')).createAlbumStore,
  'album-proxy': async () => (await import('./albums/proxy/index.ts')).createAlbumProxy,
  dashboard: async () => (await import('./dashboard/index.ts')).createDashboard,
}

export const services: readonly ServiceDefinition[] = catalogue.map((info) => ({
  ...info,
  load: loaders[info.name],
}))

export function findService(name: string): ServiceDefinition | undefined {
  return services.find((s) => s.name === name)
}
