// The load generator as a library (the `bakery load` command and the dashboard's load control both
// use it):
//
//   const run = startLoad({ url: 'http://127.0.0.1:8000', vus: 16, durationMs: 30_000 })
//   run.on('progress', (p) => …)   // every progressIntervalMs: phase, accepted, rate, p99, …
//   run.stop()                     // optional: end the load early (orders are still followed)
//   const summary = await run.done // accepted/s, accept percentiles, errors, finished/lost
//                                  // (orders, coffee), walk (albums), events (events), CPU
export { LOAD_HELP, type LoadIo, parseLoadArgs, runLoadCommand } from './command.ts'
export type { CpuReport } from './cpu.ts'
export type { LatencySummary } from './histogram.ts'
export type { LoadOptions } from './options.ts'
export { formatProgress, formatSummary } from './report.ts'
export {
  type LoadEvents,
  type LoadPhase,
  type LoadProgress,
  type LoadRun,
  type LoadSummary,
  startLoad,
} from './run.ts'
export { parseDuration } from './schedule.ts'
export type { EventsSummary, WalkSummary } from './tally.ts'
export { CUSTOMERS, TARGET_NAMES, type TargetName } from './target.ts'
export { SEED_PASTRIES } from './targets.ts'
export type { CompletionSummary } from './tracker.ts'
