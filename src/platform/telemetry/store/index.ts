import type { PlatformConfig } from '../../config/index.ts'
import { capsOf } from './config.ts'
import { openTelemetryStore, type TelemetryStore } from './telemetry-store.ts'

export type { CapCounters, ItemCaps } from './caps.ts'
export { resetHint } from './database.ts'
export type { LogQuery } from './log-queries.ts'
export { logInputOf } from './log-records.ts'
export { exportRun } from './otlp-export.ts'
export { importRun } from './otlp-import.ts'
export {
  type Attributes,
  type ExemplarRecord,
  LOG_LEVELS,
  type LogInput,
  type LogLevelName,
  type LogRecord,
  ORDER_KEY_ATTRIBUTES,
  type RunInfo,
} from './rows.ts'
export {
  limitStoreBytes,
  MEMORY_LOCATION,
  openTelemetryStore,
  type TelemetryStore,
  type TelemetryStoreOptions,
  type TelemetryStoreStats,
} from './telemetry-store.ts'

/** The store as the config describes it; `live: false` for tools that must not start a run. */
export function openConfiguredStore(config: PlatformConfig, live = true): TelemetryStore {
  return openTelemetryStore({
    location: config.telemetryStore,
    runs: config.telemetryRuns,
    budgetBytes: config.telemetryBudgetMb * 1024 * 1024,
    keepTraces: config.telemetryKeepTraces,
    recentSpans: config.spanStoreSize,
    live,
    caps: capsOf(config),
    spansPerSecond: config.telemetrySpansPerSecond,
  })
}
