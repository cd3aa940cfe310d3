import assert from 'node:assert/strict'
import { test } from 'node:test'
import { catalogue } from './catalogue.ts'
import { formatGrade, gradeAnswer, parseAnswer } from './grade.ts'
import { buildGroundTruth, type GroundTruth } from './ground-truth.ts'
import { planIncident } from './plan.ts'

const incident = catalogue[0] ?? assert.fail('empty catalogue')
const startedMs = Date.parse('2026-12-03T12:00:00Z')

function truth(): GroundTruth {
  return buildGroundTruth({
    caseId: 'case-1',
    title: incident.title,
    rootCause: incident.rootCause,
    plan: planIncident(incident, 42),
    signals: incident.signals,
    startedMs,
    endedMs: startedMs + 20_000,
    verified: { ok: true, detect_ms: 1000, signals: [] },
  })
}

test('grade scores 1.0 when component, reason and time (within 60 s) are right', () => {
  const gt = truth()
  const grade = gradeAnswer(gt, parseAnswer({ ...gt.root_cause, time: gt.inject_time + 30 }))
  assert.equal(grade.score, 1)
  assert.ok(grade.items.every((i) => i.correct))
})

test('grade scores 0 when the component is wrong, whatever else is right', () => {
  const gt = truth()
  const grade = gradeAnswer(
    gt,
    parseAnswer({ ...gt.root_cause, component: 'payments', time: gt.inject_time }),
  )
  assert.equal(grade.score, 0)
  assert.equal(grade.items.find((i) => i.field === 'component')?.correct, false)
  assert.equal(grade.items.find((i) => i.field === 'reason')?.correct, true)
})

test('grade loses the time point when the time is off by more than 60 s', () => {
  const gt = truth()
  const grade = gradeAnswer(
    gt,
    parseAnswer({ ...gt.root_cause, time: new Date((gt.inject_time + 61) * 1000).toISOString() }),
  )
  assert.equal(grade.score, 0.667)
  assert.equal(grade.items.find((i) => i.field === 'time')?.correct, false)
  assert.match(formatGrade(grade), /wrong\s+time .*off by 61 s/)
  assert.match(formatGrade(grade), /right\s+component/)
})

test('grade loses the reason point for another reason of the list', () => {
  const gt = truth()
  const grade = gradeAnswer(
    gt,
    parseAnswer({ ...gt.root_cause, reason: 'memory leak', time: gt.inject_time }),
  )
  assert.equal(grade.score, 0.667)
})

test('parseAnswer refuses a missing component, an unknown reason and a bad time, naming the field', () => {
  assert.throws(() => parseAnswer({ reason: 'memory leak', time: 1 }), /component must be/)
  assert.throws(
    () => parseAnswer({ component: 'baker', reason: 'gremlins', time: 1 }),
    /reason must be one of: .*memory leak/,
  )
  assert.throws(
    () => parseAnswer({ component: 'baker', reason: 'memory leak', time: 'yesterday' }),
    /time must be/,
  )
  assert.throws(() => parseAnswer([]), /JSON object/)
})
