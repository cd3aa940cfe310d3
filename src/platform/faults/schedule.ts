// When a fault acts: its windows from a schedule (start after/at, duration, repeat), and random
// schedules from a seed, so a drill or a class can replay exactly the same faults at the same times.
import { FAULT_SERVICES, FAULT_TYPES, type FaultSchedule, paramDefs, type Seam } from './model.ts'

/** Epoch ms of the first start of a fault set at `setAt`. */
export function firstStart(schedule: FaultSchedule | undefined, setAt: number): number {
  if (schedule?.startAt !== undefined) return Date.parse(schedule.startAt)
  return setAt + (schedule?.startAfterMs ?? 0)
}

/** The start after the one numbered `index` (0-based) began at `startedAt`, or undefined when done. */
export function nextStart(
  schedule: FaultSchedule | undefined,
  startedAt: number,
  index: number,
): number | undefined {
  if (schedule?.repeatEveryMs === undefined) return undefined
  if (schedule.repeatCount !== undefined && index + 1 >= schedule.repeatCount) return undefined
  return startedAt + schedule.repeatEveryMs
}

/** Mulberry32: a tiny seeded generator; the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface RandomScheduleOptions {
  seed: number
  /** How many faults. */
  count: number
  /** They all start within this window after now (ms). */
  overMs: number
  /** Each lasts between these (ms). */
  minDurationMs: number
  maxDurationMs: number
  /** Only these services (default: every one). */
  services?: readonly string[]
  /** Only these seams (default: every one but process, whose exit would end the drill). */
  seams?: readonly Seam[]
}

export interface RandomFault {
  target: string
  type: string
  rate: number
  schedule: { startAfterMs: number; durationMs: number }
  params: Record<string, number>
}

/** A reproducible list of faults: the same options (seed included) always give the same list. */
export function randomFaults(options: RandomScheduleOptions): RandomFault[] {
  const random = seededRandom(options.seed)
  const seams = options.seams ?? (['http', 'http-client', 'db', 'queue', 'stream', 'cache'] as const)
  const choices: [string, Seam, string][] = []
  for (const [service, info] of Object.entries(FAULT_SERVICES)) {
    if (options.services && !options.services.includes(service)) continue
    for (const seam of info.seams) {
      if (!seams.includes(seam)) continue
      for (const type of Object.keys(FAULT_TYPES[seam])) choices.push([service, seam, type])
    }
  }
  const faults: RandomFault[] = []
  for (let i = 0; i < options.count && choices.length > 0; i++) {
    const [service, seam, type] = choices[Math.floor(random() * choices.length)] as [string, Seam, string]
    const startAfterMs = Math.round(random() * options.overMs)
    const span = options.maxDurationMs - options.minDurationMs
    const durationMs = Math.max(1, Math.round(options.minDurationMs + random() * span))
    const rate = Math.round((0.25 + random() * 0.75) * 100) / 100
    const params: Record<string, number> = {}
    for (const [name, def] of Object.entries(paramDefs(seam, type) ?? {})) params[name] = def.default
    faults.push({ target: `${service}.${seam}`, type, rate, schedule: { startAfterMs, durationMs }, params })
  }
  return faults
}
