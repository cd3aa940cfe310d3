// Failure injection, switched at run time: each target (a service such as `payments`, or a
// worker's own failure rate such as `baker`) has a fault spec that its code consults. Drills and
// the dashboard set them through `PUT /admin/faults`; `BAKERY_FAULTS` sets them at start.
import { BakeryError, ErrorCode } from '../errors.ts'

export interface FaultSpec {
  /** Share of calls answered with an injected error, 0..1. */
  errorRate: number
  /** Added latency per call, plus a uniformly random 0..jitterMs. */
  latencyMs: number
  jitterMs: number
  /** Hard down: connections are cut without an answer. */
  down: boolean
  /** Answers trickle out over this many ms (a slow-drip dependency), 0 = off. */
  slowDripMs: number
}

export interface ActiveFault extends FaultSpec {
  target: string
  /** When the fault clears itself (ISO time), if it was set for a duration. */
  until: string | undefined
}

export type FaultUpdate = Partial<FaultSpec> & { durationMs?: number }

export interface FaultRegistry {
  /** Merges the update into the target's spec; `durationMs` makes the whole spec expire. */
  set(target: string, update: FaultUpdate): ActiveFault
  /** The target's spec now (all zero when none is set or it expired). */
  get(target: string): FaultSpec
  clear(target?: string): void
  list(): ActiveFault[]
  /** True for this call with probability errorRate. */
  shouldFail(target: string): boolean
  /** Injected latency for this call, in ms (0 when none). */
  delayMs(target: string): number
}

export const noFault: Readonly<FaultSpec> = Object.freeze({
  errorRate: 0,
  latencyMs: 0,
  jitterMs: 0,
  down: false,
  slowDripMs: 0,
})

const NUMERIC = ['errorRate', 'latencyMs', 'jitterMs', 'slowDripMs'] as const

/** Checks an update from the API or the environment; returns the problems found. */
export function faultProblems(update: Record<string, unknown>): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(update)) {
    if (key === 'target') continue
    if (key === 'down') {
      if (typeof value !== 'boolean') problems.push('down must be true or false')
    } else if ((NUMERIC as readonly string[]).includes(key) || key === 'durationMs') {
      const max = key === 'errorRate' ? 1 : 600_000
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
        problems.push(`${key} must be a number from 0 to ${max}`)
      }
    } else problems.push(`${key} is not a fault setting`)
  }
  return problems
}

/** What BAKERY_FAULTS allows, for config errors and the README. */
export const FAULT_PAIRS_ALLOWED =
  'comma-separated <target>.<setting>=value; settings: errorRate (0 to 1), latencyMs, jitterMs, slowDripMs, durationMs (0 to 600000), down (true or false)'

/** The problems of `<target>.<setting>=value` pairs (BAKERY_FAULTS), one per bad pair; none when valid. */
export function faultPairProblems(pairs: Readonly<Record<string, string>>): string[] {
  return Object.entries(pairs).flatMap(([key, raw]) => {
    const parsed = parsePair(key, raw)
    return 'problem' in parsed ? [`${key}=${raw}: ${parsed.problem}`] : []
  })
}

/** `payments.errorRate=0.5,payments.down=true` (BAKERY_FAULTS) → updates by target. */
export function parseFaultPairs(pairs: Readonly<Record<string, string>>): Map<string, FaultUpdate> {
  const problems = faultPairProblems(pairs)
  if (problems.length > 0) {
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid faults: ${problems.join('; ')}`, {
      details: problems,
    })
  }
  const updates = new Map<string, FaultUpdate>()
  for (const [key, raw] of Object.entries(pairs)) {
    const parsed = parsePair(key, raw)
    if ('problem' in parsed) continue
    updates.set(parsed.target, { ...updates.get(parsed.target), [parsed.setting]: parsed.value })
  }
  return updates
}

type ParsedPair = { target: string; setting: string; value: number | boolean } | { problem: string }

function parsePair(key: string, raw: string): ParsedPair {
  const dot = key.lastIndexOf('.')
  if (dot <= 0 || dot === key.length - 1) return { problem: 'must be <target>.<setting>=value' }
  const target = key.slice(0, dot)
  const setting = key.slice(dot + 1)
  if (setting === 'target') return { problem: 'target is not a fault setting' }
  const text = raw.trim()
  let value: unknown
  if (setting === 'down') value = BOOLEAN[text.toLowerCase()] ?? text
  else value = text === '' ? text : Number(text)
  const problems = faultProblems({ [setting]: value })
  if (problems.length > 0) return { problem: problems.join('; ') }
  return { target, setting, value: value as number | boolean }
}

const BOOLEAN: Readonly<Record<string, boolean>> = { true: true, '1': true, false: false, '0': false }

export function createFaultRegistry(initial: Map<string, FaultUpdate> = new Map()): FaultRegistry {
  const faults = new Map<string, { spec: FaultSpec; until: number | undefined }>()

  function current(target: string) {
    const entry = faults.get(target)
    if (entry?.until !== undefined && entry.until <= Date.now()) {
      faults.delete(target)
      return undefined
    }
    return entry
  }

  const registry: FaultRegistry = {
    set(target, update) {
      const { durationMs, ...spec } = update
      const merged = { ...(current(target)?.spec ?? noFault), ...spec }
      const until = durationMs !== undefined && durationMs > 0 ? Date.now() + durationMs : undefined
      faults.set(target, { spec: merged, until })
      return toActive(target, merged, until)
    },
    get: (target) => current(target)?.spec ?? noFault,
    clear(target) {
      if (target === undefined) faults.clear()
      else faults.delete(target)
    },
    list() {
      const out: ActiveFault[] = []
      for (const target of [...faults.keys()]) {
        const entry = current(target)
        if (entry) out.push(toActive(target, entry.spec, entry.until))
      }
      return out
    },
    shouldFail(target) {
      const rate = registry.get(target).errorRate
      return rate > 0 && Math.random() < rate
    },
    delayMs(target) {
      const { latencyMs, jitterMs } = registry.get(target)
      return latencyMs + (jitterMs > 0 ? Math.random() * jitterMs : 0)
    },
  }
  for (const [target, update] of initial) registry.set(target, update)
  return registry
}

function toActive(target: string, spec: FaultSpec, until: number | undefined): ActiveFault {
  return { target, ...spec, until: until === undefined ? undefined : new Date(until).toISOString() }
}
