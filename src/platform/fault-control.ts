// Puts a service under the fault engine: its admin API (`/admin/faults` behind the bearer token),
// its inbound HTTP seam, the `bakery_fault_active` gauge on its own metrics and a log line when
// one of its faults starts or ends. `bakery start`, `bakery <service>` and the test helpers call
// it for every service they build, so no service needs code of its own.
import type { FastifyInstance } from 'fastify'
import { FAULT_SERVICES, FAULT_TYPES, type FaultEvent, installHttpFaults } from './faults/index.ts'
import { bearerGuard } from './http/admin.ts'
import { registerFaultRoutes } from './http/fault-routes.ts'
import type { HttpApp } from './http/server.ts'
import type { Infra } from './infra.ts'
import type { Service } from './lifecycle/index.ts'
import type { Logger } from './log/index.ts'
import type { ServiceTelemetry } from './telemetry/index.ts'

export interface FaultControlDeps {
  infra: Infra
  log: Logger
  telemetry: ServiceTelemetry
}

function appOf(service: Service): HttpApp | undefined {
  const app = (service as { app?: unknown }).app
  return typeof app === 'object' && app !== null && 'addHook' in app ? (app as HttpApp) : undefined
}

/** The fault API on an HTTP app (a service's own, or a worker's health port). */
export function mountFaultApi(app: HttpApp, infra: Infra, defaultTarget: string): void {
  registerFaultRoutes(app, { faults: infra.faults, defaultTarget, authorise: bearerGuard(infra.adminToken) })
}

function describe(event: FaultEvent) {
  const { fault } = event
  return {
    fault: {
      target: fault.target,
      type: fault.type,
      params: fault.params,
      rate: fault.rate,
      match: fault.match,
    },
    schedule: fault.schedule,
    by: event.by,
  }
}

export function attachFaultControl(service: Service, deps: FaultControlDeps): void {
  const { infra, log, telemetry } = deps
  const name = service.name
  if (!FAULT_SERVICES[name]) return
  infra.forService(name)
  const app = appOf(service)
  if (app) {
    mountFaultApi(app, infra, name)
    installHttpFaults(app as unknown as FastifyInstance, infra.faults.slot(name, 'http'))
  }
  // Lives as long as the process's registry (closed with the infra).
  infra.faults.onEvent((event) => {
    if (event.fault.service !== name) return
    if (event.kind === 'start') log.warn(describe(event), 'fault started')
    else if (event.kind === 'end') log.warn(describe(event), 'fault ended')
  })
  telemetry.meter
    .createObservableGauge('bakery.fault.active', {
      description: 'Faults acting now on this service (1 per target, seam and type)',
    })
    .addCallback((result) => {
      // Every fault type of every seam the service crosses has a series (0 when not acting), so
      // dashboards and alert rules see the metric before the first fault, as with counters.
      const active = new Set<string>()
      for (const fault of infra.faults.list()) {
        if (fault.service !== name || !fault.active) continue
        active.add(`${fault.seam} ${fault.type}`)
        result.observe(1, { target: fault.target, seam: fault.seam, type: fault.type })
      }
      for (const seam of FAULT_SERVICES[name]?.seams ?? []) {
        for (const type of Object.keys(FAULT_TYPES[seam])) {
          if (!active.has(`${seam} ${type}`)) result.observe(0, { target: `${name}.${seam}`, seam, type })
        }
      }
    })
}
