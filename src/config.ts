// The whole config: the platform's settings and every system's own part, composed in the order
// `bakery config` and the env table of docs/configuration.md list them (grouped by concern:
// process, ports, infrastructure, each system, telemetry). The CLI loads it once; each service
// receives it typed as its own part only (its system's `XxxDeps`). Every env var the product reads
// is declared in one of these parts; a test checks the docs table and the README's list against it.
import { albumsPorts, albumsSettings } from './albums/config.ts'
import { bakeryPorts, bakerySettings } from './bakery/config.ts'
import { coffeePorts, coffeeSettings } from './coffee/config.ts'
import { dashboardPorts, dashboardSettings, demoSettings } from './dashboard/config.ts'
import { dashboardLink, incidentsSettings } from './incidents/config.ts'
import { type ConfigOf, describeSchema, type Env, loadSchema } from './platform/config/index.ts'
import {
  access,
  embeddedRetention,
  influx,
  infrastructure,
  outbox,
  pacing,
  processSettings,
  telemetry,
  workerPortSetting,
} from './platform/config/schema.ts'
import type { ServiceDeps } from './platform/service-kit.ts'
import { streamFlowSettings, streamPorts, streamTopicSettings } from './stream/config.ts'
import { preferWaitSettings, trackingSettings } from './tracking/config.ts'

export type { Env }

export const schema = {
  ...processSettings,
  // ports (the README's ports table)
  ...bakeryPorts,
  ...coffeePorts,
  ...albumsPorts,
  ...streamPorts,
  ...dashboardPorts,
  ...workerPortSetting,
  // infrastructure: memory:// means the embedded adapter
  ...infrastructure,
  ...pacing,
  ...bakerySettings,
  ...outbox,
  ...trackingSettings,
  ...access,
  ...coffeeSettings,
  ...influx,
  ...streamTopicSettings,
  ...preferWaitSettings,
  ...embeddedRetention,
  ...streamFlowSettings,
  ...albumsSettings,
  ...telemetry,
  ...dashboardSettings,
  ...incidentsSettings,
  ...demoSettings,
  ...dashboardLink,
} as const

export type Schema = typeof schema
export type Config = ConfigOf<Schema>

/** Parses every variable of every part; one start-up lists all problems at once. */
export function loadConfig(env: Env): Config {
  return loadSchema(schema, env)
}

/** The effective config as `bakery config` prints it: secrets redacted, URLs without passwords. */
export function describeConfig(config: Config): Record<string, string> {
  return describeSchema(schema, config)
}

/** What the composition root hands a service: the whole config (each factory reads its own part). */
export type WiredDeps = ServiceDeps<Config>
