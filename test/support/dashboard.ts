// Starts the dashboard in-process on port 0, with its own telemetry (span store) and config, for
// API and browser tests. Upstream services are passed by URL, as a deployment would configure them.
import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import type { WiredDeps } from '../../src/config.ts'
import { loadConfig } from '../../src/config.ts'
import { createDashboard, type DashboardOptions } from '../../src/dashboard/index.ts'
import { UPSTREAM_PORTS } from '../../src/dashboard/upstreams.ts'
import { attachFaultControl } from '../../src/platform/fault-control.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createInfra } from '../../src/platform/infra.ts'
import type { Service } from '../../src/platform/lifecycle/index.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'
import { openConfiguredStore } from '../../src/platform/telemetry/store/index.ts'
import { findService, services } from '../../src/services.ts'

export interface TestDashboard {
  service: HttpService
  telemetry: Telemetry
  url: string
  /** The admin token (BAKERY_ADMIN_TOKEN unless the test set its own). */
  token: string
  /** The login link the dashboard prints at start: opening it logs a browser in. */
  loginUrl: string
  /** Headers of an API client: the bearer token. */
  auth: { authorization: string }
}

// A random token, and the OTLP/gRPC receiver on a free port: tests run side by side, and two
// dashboards on the default 4317 would refuse each other.
function withToken(env: Record<string, string>): Record<string, string> {
  return {
    BAKERY_ADMIN_TOKEN: randomBytes(24).toString('base64url'),
    BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0',
    ...env,
  }
}

function access(url: string, token: string) {
  return {
    url,
    token,
    loginUrl: `${url}/login?t=${encodeURIComponent(token)}`,
    auth: { authorization: `Bearer ${token}` },
  }
}

export interface TestStack extends TestDashboard {
  /** Base URL of each started HTTP service, by name. */
  urls: Record<string, string>
}

/**
 * Starts the named services (port 0) and the dashboard in one process, as `bakery start` does,
 * with the dashboard's panels pointed at the ports the services got.
 */
export async function startStack(
  t: TestContext,
  names: string[],
  env: Record<string, string> = {},
  /** Extra env per service, from the URLs of those started before it (e.g. ALBUM_STORE_URL). */
  envFrom: (urls: Record<string, string>) => Record<string, string> = () => ({}),
): Promise<TestStack> {
  env = withToken(env)
  const config = loadConfig({ HOST: '127.0.0.1', ...env })
  const log = createLogger({ level: 'silent', format: 'json' })
  const telemetry = createTelemetry(config)
  const infra = createInfra(config, log)
  const started: Service[] = []
  const urls: Record<string, string> = {}
  t.after(async () => {
    for (const service of started.reverse()) await service.stop()
    await infra.close()
    await telemetry.shutdown()
  })
  const deps = (name: string): WiredDeps => ({
    config: loadConfig({ HOST: '127.0.0.1', ...env, ...envFrom(urls) }),
    log,
    telemetry: telemetry.forService(name),
    rootTelemetry: telemetry,
    // Each service behind its own fault seams, with its fault API, as `bakery start` wires it.
    infra: infra.forService(name),
    port: 0,
  })
  for (const name of names) {
    const definition = findService(name)
    if (!definition) throw new Error(`no service ${name}`)
    const serviceDeps = deps(name)
    const service = (await definition.load())(serviceDeps)
    attachFaultControl(service, serviceDeps)
    await service.start()
    started.push(service)
    const url = (service as Partial<HttpService>).url?.()
    if (url) urls[name] = url
  }
  const upstreams: Record<string, string> = {}
  for (const [panel, portKey] of Object.entries(UPSTREAM_PORTS)) {
    const definition = services.find((s) => s.portKey === portKey)
    const url = definition && urls[definition.name]
    if (url) upstreams[panel] = url
  }
  const dashboard = createDashboard(deps('dashboard'), { upstreams })
  await dashboard.start()
  started.push(dashboard)
  return { service: dashboard, telemetry, urls, ...access(dashboard.url(), infra.adminToken) }
}

export async function startDashboard(
  t: TestContext,
  env: Record<string, string> = {},
  options: DashboardOptions = {},
): Promise<TestDashboard> {
  env = withToken(env)
  const config = loadConfig({ HOST: '127.0.0.1', ...env })
  const log = createLogger({ level: 'silent', format: 'json' })
  // A test that names a telemetry store (memory: or a file) gets one, as `bakery start` would.
  const store = env.BAKERY_TELEMETRY_STORE ? openConfiguredStore(config) : undefined
  const telemetry = createTelemetry(config, { store })
  const infra = createInfra(config, log)
  const deps: WiredDeps = {
    config,
    log,
    telemetry: telemetry.forService('dashboard'),
    rootTelemetry: telemetry,
    infra,
    port: 0,
  }
  const service = createDashboard(deps, options)
  await service.start()
  t.after(async () => {
    await service.stop()
    await infra.close()
    await telemetry.shutdown()
  })
  return { service, telemetry, ...access(service.url(), infra.adminToken) }
}
