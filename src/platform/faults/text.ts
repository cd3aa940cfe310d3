// Faults written as text: BAKERY_FAULTS entries and CLI arguments share one syntax,
//   <target>:<type>[:<field>=<value>,...]   e.g. baker.db:latency:ms=200,rate=0.5,match.pastry=croissant
// and BAKERY_FAULTS also takes a JSON array of fault objects (as PUT /admin/faults does).
import type { FaultSpec } from './model.ts'
import { parseFault } from './validate.ts'

export const FAULT_TEXT_SYNTAX =
  '<target>:<type>[:<field>=<value>,...] entries separated by ";" (or a JSON array of faults); see docs/faults.md'

const TEXT_FIELDS = new Set(['by', 'schedule.startAt'])

/** `["ms=200", "match.pastry=x", "schedule.durationMs=5000"]` → `{ ms: 200, match: { pastry: 'x' }, … }`. */
export function assignmentsToObject(
  assignments: readonly string[],
  problems: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=')
    if (eq <= 0) {
      problems.push(`"${assignment.slice(0, 64)}" is not <field>=<value>`)
      continue
    }
    const key = assignment.slice(0, eq).trim()
    const raw = assignment.slice(eq + 1).trim()
    const numeric = raw !== '' && Number.isFinite(Number(raw))
    const value = TEXT_FIELDS.has(key) || key.startsWith('match.') || !numeric ? raw : Number(raw)
    const dot = key.indexOf('.')
    if (dot > 0) {
      const group = key.slice(0, dot)
      const inner = (out[group] ?? {}) as Record<string, unknown>
      inner[key.slice(dot + 1)] = value
      out[group] = inner
    } else out[key] = value
  }
  return out
}

/** `<target>:<type>[:fields]` → the fault body, with its problems. */
export function faultTextToObject(entry: string, problems: string[]): Record<string, unknown> {
  // Split on the first two colons only: a schedule.startAt time has colons of its own.
  const parts = entry.trim().split(':')
  const [target = '', type = ''] = parts
  const rest = parts.slice(2).join(':')
  const body = assignmentsToObject(rest === '' ? [] : rest.split(','), problems)
  return { ...body, target, type }
}

/** Every BAKERY_FAULTS entry parsed; problems name the entry they belong to. */
export function parseFaultText(raw: string, by: string): { specs: FaultSpec[]; problems: string[] } {
  const specs: FaultSpec[] = []
  const problems: string[] = []
  const text = raw.trim()
  if (text === '') return { specs, problems }
  let bodies: { label: string; body: unknown; problems: string[] }[]
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text)
      if (!Array.isArray(parsed)) return { specs, problems: ['must be a JSON array of faults'] }
      bodies = parsed.map((body, i) => ({ label: `[${i}]`, body, problems: [] }))
    } catch (error) {
      return { specs, problems: [`is not valid JSON (${(error as Error).message})`] }
    }
  } else {
    bodies = text
      .split(';')
      .filter((part) => part.trim() !== '')
      .map((part) => {
        const entryProblems: string[] = []
        return {
          label: `"${part.trim()}"`,
          body: faultTextToObject(part, entryProblems),
          problems: entryProblems,
        }
      })
  }
  for (const { label, body, problems: own } of bodies) {
    const result = parseFault(body, by)
    const all = [...own, ...(result.problems ?? [])]
    if (all.length > 0) problems.push(`${label}: ${all.join('; ')}`)
    else if (result.spec) specs.push(result.spec)
  }
  return { specs, problems }
}

/** The problems of a BAKERY_FAULTS value, for the config schema. */
export const faultTextProblems = (raw: string): string[] => parseFaultText(raw, 'BAKERY_FAULTS').problems
