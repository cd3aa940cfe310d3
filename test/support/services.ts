// Starts any Bakery services by name inside the test process, wired as `bakery start` wires them
// (one infra, one telemetry), with an in-memory span exporter, and stops them after the test.
import type { TestContext } from 'node:test'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { type Config, loadConfig } from '../../src/config.ts'
import { attachFaultControl } from '../../src/platform/fault-control.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createInfra, type Infra } from '../../src/platform/infra.ts'
import type { Service } from '../../src/platform/lifecycle/index.ts'
import { createLogging } from '../../src/platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'
import { findService } from '../../src/services.ts'
import { defer } from './defer.ts'

export interface StartedServices {
  config: Config
  infra: Infra
  telemetry: Telemetry
  spans: InMemorySpanExporter
  services: Map<string, Service>
  /** Base URL of the first HTTP service started (the reception). */
  url: string
  stop(name: string): Promise<void>
}

export async function startServices(
  t: TestContext,
  names: readonly string[],
  env: Record<string, string> = {},
): Promise<StartedServices> {
  const config = loadConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', LOG_FORMAT: 'json', ...env })
  const logging = createLogging({ level: config.logLevel, format: 'json' })
  const spans = new InMemorySpanExporter()
  const telemetry = createTelemetry(config, { spanProcessors: [new SimpleSpanProcessor(spans)] })
  const infra = createInfra(config, logging.root)
  const services = new Map<string, Service>()
  const running = new Set<string>()
  // Never throws: a failed cleanup must not skip the ones after it (they would leave handles open).
  defer(t, async () => {
    for (const name of [...running].reverse())
      await services
        .get(name)
        ?.stop()
        .catch(() => undefined)
    await infra.close().catch(() => undefined)
    await telemetry.shutdown().catch(() => undefined)
  })
  for (const name of names) {
    const definition = findService(name)
    if (!definition) throw new Error(`no service ${name}`)
    const factory = await definition.load()
    const deps = {
      config,
      log: logging.forService(name),
      telemetry: telemetry.forService(name),
      rootTelemetry: telemetry,
      infra: infra.forService(name),
      port: 0,
    }
    const service = factory(deps)
    attachFaultControl(service, deps)
    services.set(name, service)
  }
  await Promise.all(
    [...services].map(async ([name, service]) => {
      await service.start()
      running.add(name)
    }),
  )
  const http = [...services.values()].find((s): s is HttpService => 'url' in s)
  return {
    config,
    infra,
    telemetry,
    spans,
    services,
    url: http?.url() ?? '',
    async stop(name) {
      if (!running.delete(name)) return
      await services.get(name)?.stop()
    },
  }
}
