import { createHttpService, type HttpService } from '../../platform/http/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'

/** The bakery reception: the seed's order API on :8000. */
export function createReception(deps: ServiceDeps): HttpService {
  return createHttpService({
    name: 'reception',
    host: deps.config.host,
    port: deps.port,
    log: deps.log,
    telemetry: deps.telemetry,
    bodyLimit: deps.config.bodyLimitBytes,
    routes(app) {
      app.get('/', async () => ({ message: 'reception is attended' }))
    },
  })
}
