// The dashboard: the built web app, its JSON API under /api, the trace viewer's API backed by the
// in-process span store, OTLP receivers for other Bakery processes (HTTP: POST /v1/traces; gRPC on
// BAKERY_DASHBOARD_OTLP_GRPC_PORT, 4317), and the load control (/api/load) that runs the built-in load generator.
import { trace } from '@opentelemetry/api'
import { createHttpService, type HttpService } from '../platform/http/index.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'
import { createLoadControl, LOAD_TARGETS } from './load-control.ts'
import { registerLoadRoutes } from './load-routes.ts'
import { computeOrderFlow } from './order-flow.ts'
import { createOtlpGrpcReceiver } from './otlp-grpc.ts'
import { defaultWebDist, registerStaticFiles } from './static-files.ts'
import { registerTraceRoutes } from './trace-routes.ts'
import { registerUpstreamRoutes, resolveUpstreams } from './upstreams.ts'

export interface DashboardOptions {
  /** Base URLs of services by panel name (tests pass the ports they got). */
  upstreams?: Partial<Record<string, string>>
  webDist?: string
}

export interface DashboardService extends HttpService {
  /** The OTLP/gRPC receiver's bound port (after start). */
  otlpGrpcPort(): number
}

export function createDashboard(deps: ServiceDeps, options: DashboardOptions = {}): DashboardService {
  const store = deps.rootTelemetry.spanStore
  const grpc = createOtlpGrpcReceiver({
    host: deps.config.host,
    port: deps.config.dashboardOtlpGrpcPort,
    store,
    log: deps.log,
  })
  const upstreams = resolveUpstreams(deps.config, options.upstreams)
  // The dashboard polls itself every second: tracing its own requests would bury the traces
  // it exists to show, so its HTTP server gets a no-op tracer (metrics are kept).
  const telemetry = { ...deps.telemetry, tracer: trace.getTracer('bakery-dashboard-untraced') }
  const available = (name: string) => upstreams.find((u) => u.name === name && u.available)
  // The load generator runs in this process, against the services the panels already point at.
  const load = createLoadControl({ urlOf: (target) => available(LOAD_TARGETS[target])?.url, log: deps.log })
  let endStreams = () => {}
  let endLoadStreams = () => {}
  const http = createHttpService({
    name: 'dashboard',
    host: deps.config.host,
    port: deps.port,
    log: deps.log,
    telemetry,
    bodyLimit: deps.config.bodyLimitBytes,
    // Live streams never go idle; end them so shutdown does not wait for the browser to leave.
    onStart: () => grpc.start(),
    onStop: async () => {
      endStreams()
      endLoadStreams()
      await Promise.all([load.close(), grpc.stop()])
    },
    routes(app) {
      app.get('/api/info', async () => ({
        traces: {
          embedded: store !== undefined,
          spans: store?.size() ?? 0,
          capacity: store?.capacity ?? 0,
          externalUrl: deps.config.traceUiUrl ?? null,
        },
        panels: {
          ...Object.fromEntries(upstreams.map((u) => [u.name, u.available])),
          load: available('reception') !== undefined,
        },
      }))
      app.get('/api/order-flow', async () => {
        if (!store) return { available: false }
        return { available: true, ...computeOrderFlow(store, Date.now()) }
      })
      registerTraceRoutes(app, store)
      endStreams = registerUpstreamRoutes(app, upstreams)
      endLoadStreams = registerLoadRoutes(app, load)
      registerStaticFiles(app, options.webDist ?? defaultWebDist)
    },
  })
  return { ...http, otlpGrpcPort: () => grpc.port() }
}
