// What every service factory receives: the frozen config (the platform's settings and its own
// system's part), its own logger and telemetry, and the process's shared infrastructure.
import type { PlatformConfig } from './config/index.ts'
import type { Infra } from './infra.ts'
import type { Logger } from './log/index.ts'
import type { ServiceTelemetry, Telemetry } from './telemetry/index.ts'

export interface ServiceDeps<Own extends object = object> {
  config: PlatformConfig & Own
  log: Logger
  telemetry: ServiceTelemetry
  /** The process-wide telemetry (span store for the dashboard). */
  rootTelemetry: Telemetry
  infra: Infra
  /** The port this service listens on (config value, or PORT when it runs alone). */
  port: number
}
