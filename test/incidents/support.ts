// Starts the services an incident needs in this process (one infra, one telemetry, as `bakery
// start` wires them) and an incident runner wired to them, with its ground truth and telemetry in
// a temporary directory. Services that others call get free ports chosen up front.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { type Config, loadConfig } from '../../src/config.ts'
import { findIncident } from '../../src/incidents/catalogue.ts'
import type { FaultOwners } from '../../src/incidents/fault-port.ts'
import { createInProcessIncidents, type InProcessIncidents } from '../../src/incidents/in-process.ts'
import { attachFaultControl } from '../../src/platform/fault-control.ts'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createInfra, type Infra } from '../../src/platform/infra.ts'
import type { Service } from '../../src/platform/lifecycle/index.ts'
import { createLogging } from '../../src/platform/log/index.ts'
import { createTelemetry, type Telemetry } from '../../src/platform/telemetry/index.ts'
import { findService } from '../../src/services.ts'
import { defer } from '../support/defer.ts'
import { freePort } from '../support/service-deps.ts'

export interface IncidentStack extends InProcessIncidents {
  readonly dir: string
  readonly urls: Record<string, string>
  readonly config: Config
  readonly infra: Infra
  readonly telemetry: Telemetry
}

/** Services other services call by URL: their port is fixed before anything starts. */
const CALLED: Record<string, (port: number) => Record<string, string>> = {
  payments: (port) => ({ BAKERY_PAYMENTS_URL: `http://127.0.0.1:${port}` }),
  'album-store': (port) => ({ ALBUM_STORE_URL: `http://127.0.0.1:${port}` }),
  'event-api': (port) => ({ BAKERY_STREAM_API_URL: `http://127.0.0.1:${port}/` }),
}

export async function startServicesFor(
  t: TestContext,
  names: readonly string[],
  env: Record<string, string>,
): Promise<{ config: Config; infra: Infra; telemetry: Telemetry; urls: Record<string, string> }> {
  const ports: Record<string, number> = {}
  const fixed: Record<string, string> = {}
  for (const name of names) {
    const called = CALLED[name]
    if (!called) continue
    ports[name] = await freePort()
    Object.assign(fixed, called(ports[name]))
  }
  const config = loadConfig({ HOST: '127.0.0.1', LOG_LEVEL: 'silent', LOG_FORMAT: 'json', ...fixed, ...env })
  const logging = createLogging({ level: config.logLevel, format: 'json' })
  const telemetry = createTelemetry(config)
  const infra = createInfra(config, logging.root)
  const started: Service[] = []
  defer(t, async () => {
    for (const service of started.reverse()) await service.stop().catch(() => undefined)
    await infra.close().catch(() => undefined)
    await telemetry.shutdown().catch(() => undefined)
  })
  const urls: Record<string, string> = {}
  // Called services first, so their callers find them up.
  const ordered = [...names].sort((a, b) => Number(b in CALLED) - Number(a in CALLED))
  for (const name of ordered) {
    const definition = findService(name)
    if (!definition) throw new Error(`no service ${name}`)
    const deps = {
      config,
      log: logging.forService(name),
      telemetry: telemetry.forService(name),
      rootTelemetry: telemetry,
      // Each service behind its own fault seams, as `bakery start` wires it.
      infra: infra.forService(name),
      port: ports[name] ?? 0,
    }
    const service = (await definition.load())(deps)
    attachFaultControl(service, deps)
    await service.start()
    started.push(service)
    const url = (service as Partial<HttpService>).url?.()
    if (url) urls[name] = url
  }
  return { config, infra, telemetry, urls }
}

/** Starts every service the named incidents need, once, for them to run one after another. */
export async function startIncidentStack(
  t: TestContext,
  incidents: readonly string[],
  env: Record<string, string> = {},
  options: {
    /** Services running in another process (not started here; `env` says where they are). */
    elsewhere?: readonly string[]
    faultOwners?: () => FaultOwners
  } = {},
): Promise<IncidentStack> {
  const dir = await mkdtemp(join(tmpdir(), 'bakery-incident-'))
  defer(t, () => rm(dir, { recursive: true, force: true }))
  const names = [...new Set(incidents.flatMap((name) => findIncident(name).services))].filter(
    (name) => !options.elsewhere?.includes(name),
  )
  const stack = await startServicesFor(t, names, { BAKERY_INCIDENT_DIR: dir, ...env })
  const wired = createInProcessIncidents({
    config: stack.config,
    infra: stack.infra,
    telemetry: stack.telemetry,
    log: createLogging({ level: 'silent', format: 'json' }).root,
    urlOf: (name) => stack.urls[name],
    services: () => names,
    ...(options.faultOwners ? { faultOwners: options.faultOwners } : {}),
  })
  defer(t, () => wired.runner.close())
  return { ...wired, ...stack, dir }
}
