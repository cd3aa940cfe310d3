// The incident runner's API: the catalogue, the run in progress (start, hint, stop, answer) and
// past runs (their ground truth, grading an answer against one).
import { Type } from 'typebox'
import { catalogue } from '../incidents/catalogue.ts'
import { gradeAnswer, parseAnswer } from '../incidents/grade.ts'
import type { GroundTruthLog } from '../incidents/ground-truth.ts'
import { LEVELS, REASONS } from '../incidents/model.ts'
import { type IncidentRunner, RUN_LIMITS } from '../incidents/runner.ts'
import type { HttpApp } from '../platform/http/index.ts'

const StartBody = Type.Object({
  name: Type.String({ maxLength: 100 }),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: RUN_LIMITS.maxSeed })),
  durationS: Type.Optional(
    Type.Number({ minimum: RUN_LIMITS.minDurationS, maximum: RUN_LIMITS.maxDurationS }),
  ),
})
const RunParams = Type.Object({ caseId: Type.String({ pattern: '^[\\w.-]{1,120}$' }) })

/** What a listing shows of an incident: everything but the answer. */
export function incidentSummaries() {
  return catalogue.map((i) => ({
    name: i.name,
    title: i.title,
    symptom: i.symptom,
    hints: i.hints.length,
    decoys: i.decoys.length,
    services: i.services,
    durationS: i.durationS,
  }))
}

export function registerIncidentRoutes(app: HttpApp, runner: IncidentRunner, log: GroundTruthLog): void {
  app.get('/api/incidents', async () => ({
    incidents: incidentSummaries(),
    reasons: REASONS,
    levels: LEVELS,
    limits: RUN_LIMITS,
  }))
  app.get('/api/incidents/run', async () => ({ run: runner.current() }))
  app.post('/api/incidents/run', { schema: { body: StartBody } }, async (request, reply) => {
    const { name, seed, durationS } = request.body
    const run = runner.start({
      name,
      ...(seed === undefined ? {} : { seed }),
      ...(durationS === undefined ? {} : { durationS }),
    })
    return reply.code(202).send({ run })
  })
  app.post('/api/incidents/run/hint', async () => ({ run: runner.hint() }))
  app.delete('/api/incidents/run', async () => ({ run: await runner.stop() }))
  app.post('/api/incidents/run/answer', async (request) => ({
    run: await runner.answer(parseAnswer(request.body)),
  }))
  app.get('/api/incidents/runs', async () => ({ runs: (await log.all()).slice(-50).reverse() }))
  app.get('/api/incidents/runs/:caseId', { schema: { params: RunParams } }, async (request) => ({
    groundTruth: await log.get(request.params.caseId),
  }))
  app.post('/api/incidents/runs/:caseId/grade', { schema: { params: RunParams } }, async (request) => ({
    grade: gradeAnswer(await log.get(request.params.caseId), parseAnswer(request.body)),
  }))
}
