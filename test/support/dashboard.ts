// Starts the dashboard in-process on port 0, with its own telemetry (span store) and config, for
// API and browser tests. Upstream services are passed by URL, as a deployment would configure them.
import type { TestContext } from 'node:test'
import { createDashboard, type DashboardOptions } from '../../src/dashboard/index.ts'
import { loadConfig } from '../../src/platform/config/index.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createInfra } from '../../src/platform/infra.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import type { ServiceDeps } from '../../src/platform/service-kit.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'

export interface TestDashboard {
  service: HttpService
  telemetry: Telemetry
  url: string
}

export async function startDashboard(
  t: TestContext,
  env: Record<string, string> = {},
  options: DashboardOptions = {},
): Promise<TestDashboard> {
  const config = loadConfig({ HOST: '127.0.0.1', ...env })
  const log = createLogger({ level: 'silent', format: 'json' })
  const telemetry = createTelemetry(config)
  const infra = createInfra(config, log)
  const deps: ServiceDeps = {
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
  return { service, telemetry, url: service.url() }
}
