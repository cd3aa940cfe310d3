// Wires an incident runner to the services of this process: their fault registry (and the owning
// processes of the others), their shared database, their span store and metrics, and their HTTP
// addresses (for the incident's load).

import { join } from 'node:path'
import type { Config } from '../config.ts'
import type { Infra } from '../platform/infra.ts'
import type { Logger } from '../platform/log/index.ts'
import type { Telemetry } from '../platform/telemetry/index.ts'
import { type FaultOwners, registryFaultPort } from './fault-port.ts'
import { createGroundTruthLog } from './ground-truth.ts'
import { createMetricHistory, type MetricHistory } from './metric-history.ts'
import type { LoadKind } from './model.ts'
import { inProcessTelemetry } from './run-telemetry.ts'
import { createIncidentRunner, type IncidentRunner } from './runner.ts'

/** The service behind each load kind. */
export const LOAD_SERVICES: Readonly<Record<Exclude<LoadKind, 'poison-orders'>, string>> = {
  orders: 'reception',
  coffee: 'coffee-reception',
  albums: 'album-proxy',
  'albums-by-artist': 'album-proxy',
  events: 'event-api',
}

export interface InProcessOptions {
  readonly config: Config
  readonly infra: Infra
  readonly telemetry: Telemetry
  readonly log: Logger
  /** Base URL of a running HTTP service by name, undefined when it is not running. */
  readonly urlOf: (service: string) => string | undefined
  /** Names of the services whose metrics to sample. */
  readonly services: () => readonly string[]
  /** Where faults of services outside this process go; without it they are refused. */
  readonly faultOwners?: () => FaultOwners
}

export interface InProcessIncidents {
  readonly runner: IncidentRunner
  readonly metrics: MetricHistory
  readonly groundTruthPath: string
}

export function createInProcessIncidents(options: InProcessOptions): InProcessIncidents {
  const { config, infra, telemetry } = options
  const metrics = createMetricHistory({
    services: options.services,
    read: (service) => telemetry.forService(service).metricsText(),
    intervalMs: 2000,
  })
  const groundTruthPath = join(config.incidentDir, 'ground-truth.jsonl')
  const runner = createIncidentRunner({
    faults: registryFaultPort(infra.faults, options.faultOwners),
    endpoints: {
      urlOf: (kind) => (kind === 'poison-orders' ? undefined : options.urlOf(LOAD_SERVICES[kind])),
      async poison(body) {
        const queue = await infra.queue()
        // The baker's queue, straight through the default exchange: no reception ever saw them.
        await queue.publish({ routingKey: config.ordersQueue }, body, { contentType: 'application/json' })
      },
    },
    database: () => infra.database(),
    store: telemetry.spanStore,
    metrics,
    telemetry: inProcessTelemetry(
      telemetry.spanStore,
      metrics,
      telemetry.store
        ? (fromMs, toMs, limit) =>
            (telemetry.store?.logs.search({ fromMs, toMs, limit, ascending: true }) ?? []).map((l) => ({
              timeMs: l.timeMs,
              service: l.service,
              level: l.level,
              message: l.message,
              traceId: l.traceId ?? undefined,
              spanId: l.spanId ?? undefined,
            }))
        : undefined,
    ),
    groundTruth: createGroundTruthLog(groundTruthPath),
    incidentDir: config.incidentDir,
    log: options.log,
  })
  return { runner, metrics, groundTruthPath }
}
