// The dashboard: the built web app, its JSON API under /api, the trace viewer's API backed by the
// in-process span store, OTLP receivers for other Bakery processes' spans and log lines (HTTP:
// POST /v1/traces, /v1/logs; gRPC on BAKERY_DASHBOARD_OTLP_GRPC_PORT, 4317), and the load control (/api/load) that runs the built-in load generator.
import { trace } from '@opentelemetry/api'
import { catalogue } from '../catalogue.ts'
import type { Config, WiredDeps } from '../config.ts'
import { startDemoTraffic } from '../incidents/demo-traffic.ts'
import { createGroundTruthLog } from '../incidents/ground-truth.ts'
import { createInProcessIncidents, LOAD_SERVICES } from '../incidents/in-process.ts'
import { isLoopbackHost } from '../platform/config/index.ts'
import { faultyFetch } from '../platform/faults/index.ts'
import { createServiceHttp, type HttpService } from '../platform/http/index.ts'
import type { LogInput } from '../platform/telemetry/store/index.ts'
import { registerDashboardAccess } from './access.ts'
import { registerAgentRoutes } from './agent-routes.ts'
import { faultOwners, registerFaultRoutes } from './faults.ts'
import { registerIncidentRoutes } from './incident-routes.ts'
import { createLoadControl, LOAD_TARGETS } from './load-control.ts'
import { registerLoadRoutes } from './load-routes.ts'
import { computeOrderFlow } from './order-flow.ts'
import { createOtlpGrpcReceiver } from './otlp-grpc.ts'
import { registerOtlpRoutes } from './otlp-routes.ts'
import { defaultWebDist, registerStaticFiles } from './static-files.ts'
import { registerTelemetryRoutes } from './telemetry-routes.ts'
import { registerTraceRoutes } from './trace-routes.ts'
import { registerUpstreamRoutes, resolveUpstreams } from './upstreams.ts'

export interface DashboardOptions {
  /** Base URLs of services by panel name (tests pass the ports they got). */
  upstreams?: Partial<Record<string, string>>
  /** Base URLs of services by service name, for incident load (tests pass the ports they got). */
  serviceUrls?: Partial<Record<string, string>>
  webDist?: string
}

export interface DashboardService extends HttpService {
  /** The OTLP/gRPC receiver's bound port (after start). */
  otlpGrpcPort(): number
}

export function createDashboard(deps: WiredDeps, options: DashboardOptions = {}): DashboardService {
  const store = deps.rootTelemetry.spanStore
  const telemetryStore = deps.rootTelemetry.store
  const keepLog = telemetryStore && ((record: LogInput) => telemetryStore.addLog(record))
  const grpc = createOtlpGrpcReceiver({
    host: deps.config.host,
    port: deps.config.dashboardOtlpGrpcPort,
    store,
    logs: keepLog,
    log: deps.log,
  })
  const upstreams = resolveUpstreams(deps.config, options.upstreams)
  // The dashboard polls itself every second: tracing its own requests would bury the traces
  // it exists to show, so its HTTP server gets a no-op tracer (metrics are kept).
  const telemetry = { ...deps.telemetry, tracer: trace.getTracer('bakery-dashboard-untraced') }
  const available = (name: string) => upstreams.find((u) => u.name === name)
  // The load generator runs in this process, against the services the panels already point at.
  const load = createLoadControl({ urlOf: (target) => available(LOAD_TARGETS[target])?.url, log: deps.log })
  // Incidents watch the spans and metrics of this process; their faults go to the process that runs
  // each target (this one, or another found at the configured addresses).
  const panelOf: Record<string, string> = {
    reception: 'reception',
    'coffee-reception': 'coffee',
    'album-proxy': 'albums',
  }
  const urlOf = (service: string): string | undefined => {
    const given = options.serviceUrls?.[service] ?? deps.config.dashboardUpstreams[service]
    if (given) return given
    const panel = panelOf[service]
    if (panel) return available(panel)?.url
    const definition = catalogue.find((s) => s.name === service && s.kind === 'http')
    return definition && `http://127.0.0.1:${deps.config[definition.portKey]}`
  }
  const incidents = createInProcessIncidents({
    config: deps.config,
    infra: deps.infra,
    telemetry: deps.rootTelemetry,
    log: deps.log,
    urlOf,
    services: () => deps.rootTelemetry.serviceNames().filter((name) => name !== 'dashboard'),
    faultOwners: faultOwners(deps.config, upstreams, () => deps.infra.adminToken),
  })
  const demo = deps.config.demoTraffic
    ? { driver: undefined as ReturnType<typeof startDemoTraffic> | undefined }
    : undefined
  let endStreams = () => {}
  let endLoadStreams = () => {}
  const adminToken = () => deps.infra.adminToken
  const service = createServiceHttp(deps, {
    name: 'dashboard',
    telemetry,
    // Live streams never go idle; end them so shutdown does not wait for the browser to leave.
    onStart: async () => {
      await grpc.start()
      if (demo)
        demo.driver = startDemoTraffic({
          urlOf: (kind) => (kind === 'poison-orders' ? undefined : urlOf(LOAD_SERVICES[kind])),
          poison: async () => {},
        })
    },
    onStop: async () => {
      endStreams()
      endLoadStreams()
      await demo?.driver?.stop()
      await incidents.runner.close()
      await Promise.all([load.close(), grpc.stop()])
    },
    routes(app) {
      registerDashboardAccess(app, {
        token: adminToken(),
        allowedHosts: deps.config.dashboardAllowedHosts.split(','),
        readsNeedLogin: readsNeedLogin(deps.config),
      })
      app.get('/api/info', async () => ({
        traces: {
          embedded: store !== undefined,
          spans: store?.size() ?? 0,
          capacity: store?.capacity ?? 0,
          externalUrl: deps.config.traceUiUrl ?? null,
          store: deps.rootTelemetry.store?.location ?? null,
        },
        panels: {
          // Every panel's service is part of the product; the web keeps the per-panel switch.
          ...Object.fromEntries(upstreams.map((u) => [u.name, true])),
          load: available('reception') !== undefined,
        },
      }))
      app.get('/api/order-flow', async () => {
        if (!store) return { available: false }
        return { available: true, ...computeOrderFlow(store, Date.now()) }
      })
      registerTraceRoutes(app, store)
      registerOtlpRoutes(app, { spans: store, logs: keepLog }, deps.config.bodyLimitBytes)
      registerTelemetryRoutes(app, deps.rootTelemetry.store, () => available('reception')?.url)
      registerIncidentRoutes(app, incidents.runner, createGroundTruthLog(incidents.groundTruthPath))
      registerAgentRoutes(app, store, incidents.metrics)
      endStreams = registerUpstreamRoutes(app, upstreams, adminToken, {
        traceCalls: deps.config.traceBackground,
        send: faultyFetch(deps.infra.seam('http-client')),
      })
      registerFaultRoutes(app, deps.config, upstreams, adminToken)
      endLoadStreams = registerLoadRoutes(app, load)
      registerStaticFiles(app, options.webDist ?? defaultWebDist)
    },
  })
  return {
    ...service,
    otlpGrpcPort: () => grpc.port(),
    async start() {
      await service.start()
      announceLogin(loginUrl(service.url(), deps.infra))
    },
  }
}

function readsNeedLogin(config: Config): boolean {
  if (config.dashboardReadAccess === 'auto') return !isLoopbackHost(config.host)
  return config.dashboardReadAccess === 'token'
}

/** The link that logs a browser in; a configured token is the operator's to fill in, never printed. */
export function loginUrl(base: string, infra: { adminToken: string; adminTokenGenerated: boolean }): string {
  const token = infra.adminTokenGenerated ? encodeURIComponent(infra.adminToken) : '<BAKERY_ADMIN_TOKEN>'
  return `${base}/login?t=${token}`
}

// Straight to the terminal, not through the logger: log lines are shipped and kept, and the
// link carries the token.
function announceLogin(url: string): void {
  process.stderr.write(`\n  Bakery dashboard: ${url}\n\n`)
}
