// Builds ServiceDeps for a service under test, as the CLI does: config from an env map, silent
// logs, shared infrastructure (closed in t.after) and telemetry that tests can read spans from.
import type { TestContext } from 'node:test'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { WiredDeps } from '../../src/config.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import { attachFaultControl } from '../../src/platform/fault-control.ts'
import { createInfra, type Infra } from '../../src/platform/infra.ts'
import type { Service } from '../../src/platform/lifecycle/index.ts'
import { createLogging } from '../../src/platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'
import { defer } from './defer.ts'

export interface TestProcess {
  config: Config
  infra: Infra
  telemetry: Telemetry
  deps(name: string, port?: number): WiredDeps
  /** Starts the services in order; stops them (reverse) and closes infra in t.after. */
  start<S extends Service>(...services: S[]): Promise<S[]>
}

export function testProcess(
  t: TestContext,
  env: Record<string, string> = {},
  options: { spanProcessors?: SpanProcessor[] } = {},
): TestProcess {
  const config = loadConfig({ HOST: '127.0.0.1', LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...env })
  const logging = createLogging({ level: config.logLevel, format: config.logFormat })
  const telemetry = createTelemetry(config, { spanProcessors: options.spanProcessors ?? [] })
  const infra = createInfra(config, logging.root)
  const started: Service[] = []
  defer(t, async () => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined)
    await infra.close()
    await telemetry.shutdown()
  })
  return {
    config,
    infra,
    telemetry,
    deps: (name, port = 0) => ({
      config,
      log: logging.forService(name),
      telemetry: telemetry.forService(name),
      rootTelemetry: telemetry,
      infra: infra.forService(name),
      port,
    }),
    async start(...services) {
      for (const service of services) {
        attachFaultControl(service, {
          infra: infra.forService(service.name),
          log: logging.forService(service.name),
          telemetry: telemetry.forService(service.name),
        })
        await service.start()
        started.push(service)
      }
      return services
    },
  }
}

/** A port free right now on loopback, for a service another service must know before both start. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
