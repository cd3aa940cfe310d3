// The ground truth of a run: one JSON line per run (schema bakery.gt/v1), appended to a file so
// runs can be graded and exported after the process that ran them is gone.
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { ExpectedSignal, RootCause } from './model.ts'
import type { Plan } from './plan.ts'

export const GROUND_TRUTH_SCHEMA = 'bakery.gt/v1'

export interface SignalCheck {
  readonly service: string
  readonly span: string
  readonly signal: string
  readonly seen: boolean
  /** Where it was seen: the trace store or the service's metrics. */
  readonly seen_in: 'traces' | 'metrics' | null
  /** Milliseconds from injection to the first sign of it. */
  readonly detect_ms: number | null
  readonly example_trace_ids: readonly string[]
  /** The metric value, or the slowest duration / largest fan-out / error count found. */
  readonly value: number | null
}

export interface Verified {
  readonly ok: boolean
  /** The first signal's detect time (ms after injection), null when none was seen. */
  readonly detect_ms: number | null
  readonly signals: readonly SignalCheck[]
}

export interface GroundTruth {
  readonly schema: typeof GROUND_TRUTH_SCHEMA
  readonly case_id: string
  readonly incident: string
  readonly title: string
  readonly seed: number
  readonly duration_s: number
  readonly root_cause: RootCause
  readonly faults: readonly {
    target: string
    type: string
    params: Readonly<Record<string, number | string | boolean>>
    rate: number | null
    match: Readonly<Record<string, string>> | null
    start_s: number
    end_s: number
    decoy: boolean
  }[]
  readonly load: readonly { kind: string; rate: number; start_s: number; end_s: number }[]
  readonly actions: readonly string[]
  readonly start_time: number
  readonly start_time_iso: string
  readonly inject_time: number
  readonly inject_time_iso: string
  readonly end_time: number
  readonly end_time_iso: string
  readonly expected_signals: readonly ExpectedSignal[]
  readonly verified: Verified
}

const seconds = (ms: number) => Math.round(ms) / 1000

export function buildGroundTruth(input: {
  caseId: string
  title: string
  rootCause: RootCause
  plan: Plan
  signals: readonly ExpectedSignal[]
  startedMs: number
  endedMs: number
  verified: Verified
}): GroundTruth {
  const { plan, startedMs } = input
  const injectMs = startedMs + plan.injectS * 1000
  return {
    schema: GROUND_TRUTH_SCHEMA,
    case_id: input.caseId,
    incident: plan.incident,
    title: input.title,
    seed: plan.seed,
    duration_s: plan.durationS,
    root_cause: input.rootCause,
    faults: plan.faults.map((f) => ({
      target: f.target,
      type: f.type,
      params: f.params,
      rate: f.rate ?? null,
      match: f.match ?? null,
      start_s: f.startS,
      end_s: f.endS,
      decoy: f.decoy,
    })),
    load: plan.load.map((l) => ({ kind: l.kind, rate: l.rate, start_s: l.startS, end_s: l.endS })),
    actions: plan.actions,
    start_time: seconds(startedMs),
    start_time_iso: new Date(startedMs).toISOString(),
    inject_time: seconds(injectMs),
    inject_time_iso: new Date(injectMs).toISOString(),
    end_time: seconds(input.endedMs),
    end_time_iso: new Date(input.endedMs).toISOString(),
    expected_signals: input.signals,
    verified: input.verified,
  }
}

export interface GroundTruthLog {
  readonly path: string
  append(record: GroundTruth): Promise<void>
  /** Every record, oldest first (lines that do not parse are skipped). */
  all(): Promise<GroundTruth[]>
  /** The record of a run; BKR_INCIDENT_RUN_UNKNOWN when there is none. */
  get(caseId: string): Promise<GroundTruth>
}

export function createGroundTruthLog(path: string): GroundTruthLog {
  const log: GroundTruthLog = {
    path,
    async append(record) {
      await mkdir(dirname(path), { recursive: true })
      await appendFile(path, `${JSON.stringify(record)}\n`)
    },
    async all() {
      let text: string
      try {
        text = await readFile(path, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
      const out: GroundTruth[] = []
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue
        try {
          const record = JSON.parse(line) as GroundTruth
          if (record.schema === GROUND_TRUTH_SCHEMA) out.push(record)
        } catch {
          // A torn last line (a crash mid-append) must not hide the other runs.
        }
      }
      return out
    },
    async get(caseId) {
      const found = (await log.all()).find((r) => r.case_id === caseId)
      if (!found) {
        throw new BakeryError(ErrorCode.INCIDENT_RUN_UNKNOWN, `no run ${caseId} in ${path}`, { status: 404 })
      }
      return found
    },
  }
  return log
}
