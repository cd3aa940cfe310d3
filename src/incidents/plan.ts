// From an incident and a seed to a concrete script: every range resolved, every start time fixed.
// The same seed always gives the same plan (the ground truth records it), so runs repeat.
import type { ActionKind, FaultTemplate, Incident, LoadKind, Param } from './model.ts'

export interface PlannedFault {
  readonly target: string
  readonly type: string
  readonly params: Readonly<Record<string, number | string | boolean>>
  readonly rate?: number
  readonly match?: Readonly<Record<string, string>>
  readonly startS: number
  readonly endS: number
  /** A harmless symptom elsewhere, not the root cause. */
  readonly decoy: boolean
}

export interface PlannedLoad {
  readonly kind: LoadKind
  readonly rate: number
  readonly startS: number
  readonly endS: number
}

export interface Plan {
  readonly incident: string
  readonly seed: number
  readonly durationS: number
  /** When the root cause begins, in seconds after the run starts. */
  readonly injectS: number
  readonly faults: readonly PlannedFault[]
  readonly load: readonly PlannedLoad[]
  readonly actions: readonly ActionKind[]
}

/** mulberry32: a small, fast, well-mixed 32-bit generator; enough to pick from ranges. */
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

function pickNumber(value: number | readonly [number, number], random: () => number): number {
  if (typeof value === 'number') return value
  const [min, max] = value
  const raw = min + random() * (max - min)
  return Number.isInteger(min) && Number.isInteger(max) ? Math.round(raw) : Math.round(raw * 1000) / 1000
}

function pickParam(value: Param, random: () => number): number | string | boolean {
  return Array.isArray(value) ? pickNumber(value as readonly [number, number], random) : (value as never)
}

function planFault(
  template: FaultTemplate,
  decoy: boolean,
  durationS: number,
  random: () => number,
): PlannedFault {
  const params = Object.fromEntries(
    Object.entries(template.params).map(([key, value]) => [key, pickParam(value, random)]),
  )
  const startS = Math.min(pickNumber(template.startS, random), Math.max(0, durationS - 1))
  const fault: PlannedFault = {
    target: template.target,
    type: template.type,
    params,
    startS,
    endS: durationS,
    decoy,
  }
  const extra: { rate?: number; match?: Record<string, string> } = {}
  if (template.rate !== undefined) extra.rate = pickNumber(template.rate, random)
  if (template.match) {
    extra.match = Object.fromEntries(
      Object.entries(template.match).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : (value[Math.floor(random() * value.length)] ?? ''),
      ]),
    )
  }
  return { ...fault, ...extra }
}

export function planIncident(incident: Incident, seed: number, durationS = incident.durationS): Plan {
  const random = seededRandom(seed)
  const faults = [
    ...incident.faults.map((f) => planFault(f, false, durationS, random)),
    ...incident.decoys.map((f) => planFault(f, true, durationS, random)),
  ]
  const load = incident.load.map((l) => ({
    kind: l.kind,
    rate: pickNumber(l.rate, random),
    startS: Math.min(pickNumber(l.startS ?? 0, random), Math.max(0, durationS - 1)),
    endS: durationS,
    causal: l.causal === true,
  }))
  const causes = [
    ...faults.filter((f) => !f.decoy).map((f) => f.startS),
    ...load.filter((l) => l.causal).map((l) => l.startS),
  ]
  const injectS = causes.length > 0 ? Math.min(...causes) : 0
  return {
    incident: incident.name,
    seed,
    durationS,
    injectS,
    faults,
    load: load.map(({ causal: _causal, ...rest }) => rest),
    actions: incident.actions ?? [],
  }
}
