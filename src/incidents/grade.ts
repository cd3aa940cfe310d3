// Grades an answer the way OpenRCA scores a case: the component must match exactly (else the
// answer is about something else and scores 0), then the reason and the time (within 60 s of the
// injection) each add a point; the score is the share of the three points.
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { GroundTruth } from './ground-truth.ts'
import { REASONS, type Reason } from './model.ts'

export const TIME_TOLERANCE_S = 60

export interface Answer {
  readonly component: string
  readonly reason: Reason
  /** When the root cause began: Unix seconds, or an ISO date-time. */
  readonly time: number
}

export interface GradeItem {
  readonly field: 'component' | 'reason' | 'time'
  readonly correct: boolean
  readonly given: string
  readonly expected: string
}

export interface Grade {
  readonly caseId: string
  readonly score: number
  readonly items: readonly GradeItem[]
}

function invalid(message: string): never {
  throw new BakeryError(ErrorCode.INCIDENT_ANSWER_INVALID, message, { status: 400 })
}

/** Checks an answer from a file, the API or an agent; the message names the bad field. */
export function parseAnswer(input: unknown): Answer {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    invalid('the answer must be a JSON object {component, reason, time}')
  }
  const { component, reason, time } = input as Record<string, unknown>
  if (typeof component !== 'string' || component.trim() === '' || component.length > 200) {
    invalid('component must be a non-empty string (a service, or <service>.<seam>)')
  }
  if (typeof reason !== 'string' || !(REASONS as readonly string[]).includes(reason)) {
    invalid(`reason must be one of: ${REASONS.join(', ')}`)
  }
  let seconds: number
  if (typeof time === 'number' && Number.isFinite(time) && time > 0) seconds = time
  else if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) seconds = Date.parse(time) / 1000
  else invalid('time must be Unix seconds or an ISO 8601 date-time')
  return { component: component.trim(), reason: reason as Reason, time: seconds }
}

export function gradeAnswer(truth: GroundTruth, answer: Answer): Grade {
  const expected = truth.root_cause
  const componentOk = answer.component === expected.component
  const reasonOk = answer.reason === expected.reason
  const offsetS = Math.abs(answer.time - truth.inject_time)
  const timeOk = offsetS <= TIME_TOLERANCE_S
  const items: GradeItem[] = [
    { field: 'component', correct: componentOk, given: answer.component, expected: expected.component },
    { field: 'reason', correct: reasonOk, given: answer.reason, expected: expected.reason },
    {
      field: 'time',
      correct: timeOk,
      given: new Date(answer.time * 1000).toISOString(),
      expected: `${truth.inject_time_iso} ± ${TIME_TOLERANCE_S} s (off by ${Math.round(offsetS)} s)`,
    },
  ]
  const points = [componentOk, reasonOk, timeOk].filter(Boolean).length
  const score = componentOk ? Math.round((points / 3) * 1000) / 1000 : 0
  return { caseId: truth.case_id, score, items }
}

export function formatGrade(grade: Grade): string {
  const lines = grade.items.map(
    (item) =>
      `${item.correct ? 'right' : 'wrong'}  ${item.field.padEnd(9)} given ${item.given}; expected ${item.expected}`,
  )
  return [`run ${grade.caseId}: score ${grade.score.toFixed(2)}`, ...lines].join('\n')
}
