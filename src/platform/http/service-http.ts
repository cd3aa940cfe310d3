// The HTTP server of a service: createHttpService with what every service passes the same way
// (its address, logger, telemetry, body limit, proxy trust and write limit from the config), so a
// service states only its name, routes, readiness and start/stop work.
import type { ServiceDeps } from '../service-kit.ts'
import { httpEdge } from './edge.ts'
import { createHttpService, type HttpService, type HttpServiceOptions } from './server.ts'

export type ServiceHttpOptions = Omit<
  HttpServiceOptions,
  'host' | 'port' | 'log' | 'bodyLimit' | 'edge' | 'telemetry'
> & {
  /** The service's telemetry when it is not deps.telemetry (e.g. one with a quieter tracer). */
  telemetry?: HttpServiceOptions['telemetry']
}

export function createServiceHttp(deps: ServiceDeps, options: ServiceHttpOptions): HttpService {
  return createHttpService({
    host: deps.config.host,
    port: deps.port,
    log: deps.log,
    bodyLimit: deps.config.bodyLimitBytes,
    edge: httpEdge(deps.config),
    ...options,
    telemetry: options.telemetry ?? deps.telemetry,
  })
}
