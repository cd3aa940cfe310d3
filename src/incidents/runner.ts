// Runs one incident at a time: prepares it, drives its load, switches its faults on and off on
// schedule, watches for its expected signals, and at the end writes the ground truth line and
// the run's telemetry. The clock, hints and answers of the Incidents page and the CLI come from here.
import { randomBytes } from 'node:crypto'
import type { Database } from '../platform/db/index.ts'
import { BakeryError, ErrorCode, errorMessage } from '../platform/errors.ts'
import type { Logger } from '../platform/log/index.ts'
import type { SpanStore } from '../platform/telemetry/index.ts'
import { createAction, type IncidentAction } from './actions.ts'
import { findIncident } from './catalogue.ts'
import type { FaultPort } from './fault-port.ts'
import { type Answer, type Grade, gradeAnswer } from './grade.ts'
import { buildGroundTruth, type GroundTruth, type GroundTruthLog, type Verified } from './ground-truth.ts'
import { type LoadDriver, type LoadEndpoints, startLoadDriver } from './load-driver.ts'
import type { MetricHistory } from './metric-history.ts'
import type { Incident } from './model.ts'
import { type Plan, planIncident } from './plan.ts'
import { runDirectory, saveRunTelemetry, type TelemetrySource } from './run-telemetry.ts'
import { baselineKey, type SignalWatch, watchSignals } from './signals.ts'

export const RUN_LIMITS = { minDurationS: 5, maxDurationS: 600, maxSeed: 2 ** 31 - 1 } as const
const CHECK_INTERVAL_MS = 500
const SAMPLE_EVERY_CHECKS = 4

export interface StartRequest {
  readonly name: string
  readonly seed?: number
  readonly durationS?: number
}

export interface RunView {
  readonly caseId: string
  readonly incident: string
  readonly title: string
  readonly symptom: string
  readonly seed: number
  readonly durationS: number
  readonly state: 'preparing' | 'running' | 'done' | 'failed'
  readonly startedAt: string | null
  readonly elapsedS: number
  readonly hints: readonly string[]
  readonly hintsLeft: number
  readonly verified: Verified | null
  readonly groundTruth: GroundTruth | null
  readonly grade: Grade | null
  readonly error: string | null
}

export interface RunnerDeps {
  readonly faults: FaultPort
  readonly endpoints: LoadEndpoints
  readonly database: () => Promise<Database>
  readonly store: SpanStore | undefined
  readonly metrics: MetricHistory
  readonly telemetry: TelemetrySource
  readonly groundTruth: GroundTruthLog
  readonly incidentDir: string
  readonly log: Logger
}

export interface IncidentRunner {
  start(request: StartRequest): RunView
  current(): RunView | null
  hint(): RunView
  stop(): Promise<RunView>
  /** Grades an answer against the running (or last) run's ground truth, once it is written. */
  answer(answer: Answer): Promise<RunView>
  /** Resolves when the current run has written its ground truth. */
  finished(): Promise<RunView>
  close(): Promise<void>
}

interface Run {
  incident: Incident
  plan: Plan
  caseId: string
  state: RunView['state']
  startedMs: number | null
  hintsShown: number
  watch: SignalWatch | null
  groundTruth: GroundTruth | null
  grade: Grade | null
  error: string | null
  stopRequested: boolean
  done: Promise<void>
  wake: () => void
}

function invalid(message: string): never {
  throw new BakeryError(ErrorCode.HTTP_VALIDATION, message, { status: 400 })
}

function checkRequest(request: StartRequest): { incident: Incident; seed: number; durationS: number } {
  const incident = findIncident(request.name)
  const seed = request.seed ?? Math.floor(Math.random() * RUN_LIMITS.maxSeed)
  if (!Number.isInteger(seed) || seed < 0 || seed > RUN_LIMITS.maxSeed) {
    invalid(`seed must be an integer from 0 to ${RUN_LIMITS.maxSeed}`)
  }
  const durationS = request.durationS ?? incident.durationS
  if (
    !Number.isFinite(durationS) ||
    durationS < RUN_LIMITS.minDurationS ||
    durationS > RUN_LIMITS.maxDurationS
  ) {
    invalid(`duration must be ${RUN_LIMITS.minDurationS} to ${RUN_LIMITS.maxDurationS} seconds`)
  }
  return { incident, seed, durationS }
}

export function createIncidentRunner(deps: RunnerDeps): IncidentRunner {
  let run: Run | undefined

  const view = (r: Run): RunView => ({
    caseId: r.caseId,
    incident: r.incident.name,
    title: r.incident.title,
    symptom: r.incident.symptom,
    seed: r.plan.seed,
    durationS: r.plan.durationS,
    state: r.state,
    startedAt: r.startedMs === null ? null : new Date(r.startedMs).toISOString(),
    elapsedS: r.startedMs === null ? 0 : Math.round((Date.now() - r.startedMs) / 100) / 10,
    hints: r.incident.hints.slice(0, r.hintsShown),
    hintsLeft: r.incident.hints.length - r.hintsShown,
    verified: r.groundTruth?.verified ?? r.watch?.result() ?? null,
    groundTruth: r.groundTruth,
    grade: r.grade,
    error: r.error,
  })

  const active = () => {
    if (!run || (run.state !== 'running' && run.state !== 'preparing')) {
      throw new BakeryError(ErrorCode.INCIDENT_NOT_RUNNING, 'no incident is running; start one first', {
        status: 404,
      })
    }
    return run
  }

  async function execute(r: Run, sleep: (ms: number) => Promise<void>): Promise<void> {
    const { plan } = r
    const actions: IncidentAction[] = plan.actions.map((kind) =>
      createAction(kind, { database: deps.database }),
    )
    let driver: LoadDriver | undefined
    const applied = new Set<(typeof plan.faults)[number]>()
    const timers: NodeJS.Timeout[] = []
    try {
      for (const action of actions) await action.prepare()
      await deps.metrics.sample()
      const baselines = new Map<string, number>()
      for (const s of r.incident.signals) {
        if (s.signal === 'metric-rise')
          baselines.set(baselineKey(s), deps.metrics.latest(s.service, s.span) ?? 0)
      }
      const startedMs = Date.now()
      r.startedMs = startedMs
      r.state = 'running'
      r.watch = watchSignals({
        signals: r.incident.signals,
        store: deps.store,
        metrics: deps.metrics,
        injectMs: startedMs + plan.injectS * 1000,
        baselines,
      })
      deps.log.info({ case_id: r.caseId, incident: plan.incident, seed: plan.seed }, 'incident started')
      driver = startLoadDriver(plan.load, deps.endpoints, plan.seed)
      const failures: string[] = []
      for (const fault of plan.faults) {
        timers.push(
          setTimeout(() => {
            deps.faults.apply(fault, `incident ${r.caseId}`).then(
              () => applied.add(fault),
              (error: unknown) => failures.push(`${fault.target} ${fault.type}: ${errorMessage(error)}`),
            )
          }, fault.startS * 1000),
        )
      }
      if (actions.length > 0) {
        timers.push(
          setTimeout(() => {
            for (const action of actions)
              action.apply().catch((error: unknown) => failures.push(errorMessage(error)))
          }, plan.injectS * 1000),
        )
      }
      const endMs = startedMs + plan.durationS * 1000
      let ticks = 0
      while (!r.stopRequested && Date.now() < endMs) {
        await sleep(Math.min(CHECK_INTERVAL_MS, endMs - Date.now()))
        // Metric samples for the run's export, every few checks (the signals sample on their own).
        if (++ticks % SAMPLE_EVERY_CHECKS === 0) await deps.metrics.sample()
        if (Date.now() >= startedMs + plan.injectS * 1000) await r.watch.check()
      }
      if (failures.length > 0) {
        throw new BakeryError(ErrorCode.INTERNAL, `the incident could not be staged: ${failures.join('; ')}`)
      }
    } catch (error) {
      r.state = 'failed'
      r.error = errorMessage(error)
      deps.log.error({ case_id: r.caseId, err: error }, 'incident failed')
    } finally {
      for (const t of timers) clearTimeout(t)
      await driver?.stop()
      for (const fault of applied) await deps.faults.remove(fault, 'incident').catch(() => undefined)
      for (const action of actions) await action.undo().catch(() => undefined)
    }
    await finish(r)
  }

  async function finish(r: Run): Promise<void> {
    if (r.startedMs === null) return
    await r.watch?.check()
    const endedMs = Date.now()
    const truth = buildGroundTruth({
      caseId: r.caseId,
      title: r.incident.title,
      rootCause: r.incident.rootCause,
      plan: r.plan,
      signals: r.incident.signals,
      startedMs: r.startedMs,
      endedMs,
      verified: r.watch?.result() ?? { ok: false, detect_ms: null, signals: [] },
    })
    await saveRunTelemetry(
      runDirectory(deps.incidentDir, r.caseId),
      await deps.telemetry.collect(r.startedMs - 5_000, endedMs),
    )
    await deps.groundTruth.append(truth)
    r.groundTruth = truth
    if (r.state === 'running') r.state = 'done'
    deps.log.info(
      { case_id: r.caseId, verified: truth.verified.ok, detect_ms: truth.verified.detect_ms },
      'incident ended',
    )
  }

  return {
    start(request) {
      if (run && (run.state === 'running' || run.state === 'preparing')) {
        throw new BakeryError(
          ErrorCode.INCIDENT_BUSY,
          `incident ${run.incident.name} is running (${run.caseId}); stop it first`,
          { status: 409 },
        )
      }
      const { incident, seed, durationS } = checkRequest(request)
      const plan = planIncident(incident, seed, durationS)
      const caseId = `${incident.name}-s${seed}-${randomBytes(3).toString('hex')}`
      let wake = () => {}
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, ms))
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      const r: Run = {
        incident,
        plan,
        caseId,
        state: 'preparing',
        startedMs: null,
        hintsShown: 0,
        watch: null,
        groundTruth: null,
        grade: null,
        error: null,
        stopRequested: false,
        done: Promise.resolve(),
        wake: () => wake(),
      }
      r.done = execute(r, sleep).catch((error: unknown) => {
        r.state = 'failed'
        r.error = errorMessage(error)
      })
      run = r
      return view(r)
    },
    current: () => (run ? view(run) : null),
    hint() {
      const r = active()
      if (r.hintsShown < r.incident.hints.length) r.hintsShown++
      return view(r)
    },
    async stop() {
      const r = active()
      r.stopRequested = true
      r.wake()
      await r.done
      return view(r)
    },
    async answer(answer) {
      if (!run)
        throw new BakeryError(ErrorCode.INCIDENT_NOT_RUNNING, 'no incident has run yet', { status: 404 })
      const r = run
      if (!r.groundTruth) {
        // Answering ends the run: the ground truth is written first, then graded.
        r.stopRequested = true
        r.wake()
        await r.done
      }
      if (!r.groundTruth)
        throw new BakeryError(
          ErrorCode.INCIDENT_NOT_RUNNING,
          `run ${r.caseId} ${r.state}: ${r.error ?? ''}`,
          { status: 409 },
        )
      r.grade = gradeAnswer(r.groundTruth, answer)
      return view(r)
    },
    async finished() {
      if (!run)
        throw new BakeryError(ErrorCode.INCIDENT_NOT_RUNNING, 'no incident has run yet', { status: 404 })
      await run.done
      return view(run)
    },
    async close() {
      if (run && (run.state === 'running' || run.state === 'preparing')) {
        run.stopRequested = true
        run.wake()
        await run.done
      }
    },
  }
}
