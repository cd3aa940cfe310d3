// The album proxy (seed 2, :9070): the store's API forwarded through an instrumented client with
// a timeout, GET retries and a circuit breaker. Works with defaults: the store on this host.
import { createHttpService, type HttpApp, type HttpService } from '../../platform/http/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import { registerOpenApi, useAlbumConventions } from '../api/http.ts'
import { createStoreClient, type StoreClient } from './client.ts'
import { createStorePolicy } from './resilience.ts'
import { registerProxyRoutes } from './routes.ts'

export function storeUrlOf(config: ServiceDeps['config']): URL {
  return config.albumStoreUrl ?? new URL(`http://127.0.0.1:${config.albumStorePort}`)
}

export function createAlbumProxy(deps: ServiceDeps): HttpService {
  const { config } = deps
  const policy = createStorePolicy({
    timeoutMs: config.albumProxyTimeoutMs,
    retries: config.albumProxyRetries,
    breakerFailures: config.albumProxyBreakerFailures,
    halfOpenAfterMs: config.albumProxyBreakerHalfOpenMs,
  })
  const client: StoreClient = createStoreClient(storeUrlOf(config), deps.telemetry.tracer, policy)
  const states = { closed: 0, 'half-open': 1, open: 2, isolated: 3 } as const
  deps.telemetry.meter
    .createObservableGauge('album_proxy.breaker.state', {
      description: 'Breaker towards the album store: 0 closed, 1 half-open, 2 open, 3 isolated',
    })
    .addCallback((result) => result.observe(states[policy.state()]))
  return createHttpService({
    name: 'album-proxy',
    host: config.host,
    port: deps.port,
    log: deps.log,
    telemetry: deps.telemetry,
    bodyLimit: config.bodyLimitBytes,
    routes(app) {
      app.register(async (root: HttpApp) => {
        await registerOpenApi(root, {
          title: 'Album proxy',
          description:
            'The album store API, forwarded with a timeout, retries for GETs and a circuit breaker',
        })
        await root.register(async (scope: HttpApp) => {
          useAlbumConventions(scope)
          registerProxyRoutes(scope, {
            client: () => client,
            timeoutMs: config.albumProxyTimeoutMs,
            halfOpenAfterMs: config.albumProxyBreakerHalfOpenMs,
          })
        })
      })
    },
    onStop: () => client.close(),
  })
}
