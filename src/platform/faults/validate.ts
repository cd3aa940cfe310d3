// Turns an untrusted fault description (admin API body, CLI arguments, BAKERY_FAULTS entry) into a
// FaultSpec, or into every problem found, each naming the bad target, seam or field and the valid
// values, so a 400 tells the caller what would have been accepted.
import {
  FAULT_SERVICES,
  FAULT_TYPES,
  type FaultMatch,
  type FaultSchedule,
  type FaultSpec,
  type FaultType,
  MATCH_KEYS,
  type MatchKey,
  matchKeysOf,
  paramDefs,
  type Seam,
} from './model.ts'

export type Parsed = { spec: FaultSpec; problems?: undefined } | { spec?: undefined; problems: string[] }

const COMMON_FIELDS = ['target', 'type', 'rate', 'match', 'schedule', 'by', 'params'] as const
const SCHEDULE_FIELDS = ['startAfterMs', 'startAt', 'durationMs', 'repeatEveryMs', 'repeatCount'] as const
const MAX_TEXT = 200
const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : 'none')

export const validTargets = (): string[] =>
  Object.entries(FAULT_SERVICES).flatMap(([name, s]) => [name, ...s.seams.map((seam) => `${name}.${seam}`)])

/** `<service>` or `<service>.<seam>` → service and seam (a bare service: the seam that has `type`). */
function resolveTarget(target: unknown, type: unknown, problems: string[]): [string, Seam] | undefined {
  if (typeof target !== 'string' || target === '') {
    problems.push(
      `target is required: <service> or <service>.<seam>; services: ${list(Object.keys(FAULT_SERVICES))}`,
    )
    return undefined
  }
  const dot = target.indexOf('.')
  const service = dot < 0 ? target : target.slice(0, dot)
  const info = FAULT_SERVICES[service]
  if (!info) {
    problems.push(
      `target "${target.slice(0, 64)}": unknown service; valid: ${list(Object.keys(FAULT_SERVICES))}`,
    )
    return undefined
  }
  if (dot >= 0) {
    const seam = target.slice(dot + 1) as Seam
    if (info.seams.includes(seam)) return [service, seam]
    problems.push(
      `target "${target.slice(0, 64)}": ${service} has no seam "${seam.slice(0, 32)}"; valid: ${list(info.seams.map((s) => `${service}.${s}`))}`,
    )
    return undefined
  }
  const candidates = info.seams.filter((seam) => typeof type === 'string' && paramDefs(seam, type))
  const seam =
    candidates.length === 1
      ? candidates[0]
      : candidates.includes('http') && info.kind === 'http'
        ? 'http'
        : undefined
  if (seam) return [service, seam]
  if (typeof type === 'string' && candidates.length > 1) {
    problems.push(
      `target "${target}": name the seam of "${type}"; valid: ${list(candidates.map((s) => `${service}.${s}`))}`,
    )
  } else if (typeof type === 'string') {
    const types = info.seams.flatMap((s) => Object.keys(FAULT_TYPES[s]))
    problems.push(
      `type "${type.slice(0, 32)}" is not a fault of ${service}; valid: ${list([...new Set(types)])}`,
    )
  }
  return undefined
}

function numberProblem(
  name: string,
  value: unknown,
  min: number,
  max: number,
  integer?: boolean,
): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    return `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`
  }
  if (integer && !Number.isInteger(value)) return `${name} must be an integer from ${min} to ${max}`
  return undefined
}

function parseMatch(raw: unknown, service: string, seam: Seam, problems: string[]): FaultMatch {
  if (raw === undefined) return {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`match must be an object of ${list(MATCH_KEYS)}`)
    return {}
  }
  const allowed = matchKeysOf(service, seam)
  const match: FaultMatch = {}
  for (const [key, value] of Object.entries(raw)) {
    if (!(MATCH_KEYS as readonly string[]).includes(key)) {
      problems.push(`match.${key.slice(0, 32)} is not a match key; valid: ${list(MATCH_KEYS)}`)
    } else if (!allowed.includes(key as MatchKey)) {
      problems.push(`match.${key} is never seen by ${service}.${seam}; valid there: ${list(allowed)}`)
    } else if (typeof value !== 'string' || value === '' || value.length > MAX_TEXT) {
      problems.push(`match.${key} must be a non-empty string of at most ${MAX_TEXT} characters`)
    } else match[key as MatchKey] = value
  }
  return match
}

function parseSchedule(raw: unknown, problems: string[]): FaultSchedule | undefined {
  if (raw === undefined) return undefined
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`schedule must be an object of ${list(SCHEDULE_FIELDS)}`)
    return undefined
  }
  const schedule: FaultSchedule = {}
  const before = problems.length
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'startAt') {
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
        problems.push('schedule.startAt must be an ISO 8601 time')
      else schedule.startAt = new Date(value).toISOString()
    } else if ((SCHEDULE_FIELDS as readonly string[]).includes(key)) {
      const max = key === 'repeatCount' ? 10_000 : 86_400_000
      const problem = numberProblem(
        `schedule.${key}`,
        value,
        key === 'repeatCount' || key === 'repeatEveryMs' ? 1 : 0,
        max,
        true,
      )
      if (problem) problems.push(problem)
      else (schedule as Record<string, number>)[key] = value as number
    } else
      problems.push(`schedule.${key.slice(0, 32)} is not a schedule field; valid: ${list(SCHEDULE_FIELDS)}`)
  }
  if (problems.length > before) return undefined
  if (schedule.startAt !== undefined && schedule.startAfterMs !== undefined) {
    problems.push('schedule takes startAt or startAfterMs, not both')
  }
  if (schedule.repeatEveryMs !== undefined) {
    if (schedule.durationMs === undefined || schedule.durationMs >= schedule.repeatEveryMs) {
      problems.push('schedule.repeatEveryMs needs a schedule.durationMs shorter than it')
    }
  } else if (schedule.repeatCount !== undefined)
    problems.push('schedule.repeatCount needs schedule.repeatEveryMs')
  return schedule
}

/** Validates one fault description; `by` is recorded when the body does not say who set it. */
export function parseFault(body: unknown, by: string): Parsed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problems: [`a fault is a JSON object of ${list(COMMON_FIELDS)} and the type's parameters`] }
  }
  const input = body as Record<string, unknown>
  const problems: string[] = []
  const resolved = resolveTarget(input.target, input.type, problems)
  if (!resolved) return { problems }
  const [service, seam] = resolved
  const types = FAULT_TYPES[seam] as Record<
    string,
    Record<string, { min: number; max: number; default: number; integer?: boolean }>
  >
  const defs = typeof input.type === 'string' ? types[input.type] : undefined
  if (!defs) {
    problems.push(
      `type "${String(input.type).slice(0, 32)}" is not a fault of seam ${seam}; valid: ${list(Object.keys(types))}`,
    )
    return { problems }
  }
  const rawParams: Record<string, unknown> = { ...(isObject(input.params) ? input.params : {}) }
  for (const [key, value] of Object.entries(input)) {
    if (!(COMMON_FIELDS as readonly string[]).includes(key)) rawParams[key] = value
  }
  const params: Record<string, number> = {}
  for (const [key, def] of Object.entries(defs)) params[key] = def.default
  for (const [key, value] of Object.entries(rawParams)) {
    const def = defs[key]
    if (!def) {
      problems.push(
        `field "${key.slice(0, 32)}" is not a field of ${seam} ${input.type}; valid: ${list([...COMMON_FIELDS.filter((f) => f !== 'params'), ...Object.keys(defs)])}`,
      )
      continue
    }
    const problem = numberProblem(key, value, def.min, def.max, def.integer)
    if (problem) problems.push(problem)
    else params[key] = value as number
  }
  const rate = input.rate ?? 1
  const rateProblem = numberProblem('rate', rate, 0, 1)
  if (rateProblem) problems.push(rateProblem)
  const match = parseMatch(input.match, service, seam, problems)
  const schedule = parseSchedule(input.schedule, problems)
  const who = input.by ?? by
  if (typeof who !== 'string' || who.length === 0 || who.length > 64)
    problems.push('by must be a string of 1 to 64 characters')
  if (problems.length > 0) return { problems }
  return {
    spec: {
      target: `${service}.${seam}`,
      service,
      seam,
      type: input.type as FaultType,
      params,
      rate: rate as number,
      match,
      schedule,
      by: who as string,
    },
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
