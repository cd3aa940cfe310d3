// The album proxy (seed 2, :9070): the store's API forwarded through an instrumented client under
// the shared resilience policy (breaker `album-store`: timeout, GET retries, breaker, bulkhead).
// Works with defaults: the store on this host. Its breaker is on GET /admin/breakers (bearer
// BAKERY_ADMIN_TOKEN) and in `bakery.circuit_breaker.state`, like every other breaker.
import {
  createServiceHttp,
  type HttpApp,
  type HttpService,
  registerAdminRoutes,
} from '../../platform/http/index.ts'
import { registerOpenApi, useAlbumConventions } from '../api/http.ts'
import type { AlbumsDeps } from '../config.ts'
import { createStoreClient, type StoreClient } from './client.ts'
import { albumStorePolicy } from './resilience.ts'
import { registerProxyRoutes } from './routes.ts'

export function storeUrlOf(config: AlbumsDeps['config']): URL {
  return config.albumStoreUrl ?? new URL(`http://127.0.0.1:${config.albumStorePort}`)
}

export function createAlbumProxy(deps: AlbumsDeps): HttpService {
  const { config } = deps
  const policy = albumStorePolicy(deps)
  const client: StoreClient = createStoreClient(
    storeUrlOf(config),
    deps.telemetry.tracer,
    policy,
    deps.infra.seam('http-client'),
  )
  return createServiceHttp(deps, {
    name: 'album-proxy',
    routes(app) {
      registerAdminRoutes(app, {
        token: deps.infra.adminToken,
        breakers: [policy],
        faults: deps.infra.faults,
        defaultTarget: 'album-proxy',
      })
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
          })
        })
      })
    },
    onStop: () => client.close(),
  })
}
