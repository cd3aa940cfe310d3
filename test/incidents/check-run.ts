// The checks every incident test makes: run it with a fixed seed, then its ground-truth line
// (schema, root cause, plan), verified.ok with a detect time within 30 s, and both exports
// written with the columns their datasets document.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { findIncident } from '../../src/incidents/catalogue.ts'
import { parseCsv } from '../../src/incidents/export/csv.ts'
import { exportRun } from '../../src/incidents/export/index.ts'
import {
  OPENRCA_LOG_COLUMNS,
  OPENRCA_METRIC_COLUMNS,
  OPENRCA_RECORD_COLUMNS,
  OPENRCA_TRACE_COLUMNS,
} from '../../src/incidents/export/openrca.ts'
import { RCAEVAL_LOG_COLUMNS, RCAEVAL_TRACE_COLUMNS } from '../../src/incidents/export/rcaeval.ts'
import { createGroundTruthLog, type GroundTruth } from '../../src/incidents/ground-truth.ts'
import { LOAD_SERVICES } from '../../src/incidents/in-process.ts'
import { startLoadDriver } from '../../src/incidents/load-driver.ts'
import type { LoadKind } from '../../src/incidents/model.ts'
import type { StoredSpan } from '../../src/platform/telemetry/index.ts'
import { defer } from '../support/defer.ts'
import type { IncidentStack } from './support.ts'

export const DETECT_LIMIT_MS = 30_000

async function csv(path: string): Promise<string[][]> {
  return parseCsv(await readFile(path, 'utf8'))
}

async function checkExports(t: TestContext, truth: GroundTruth, incidentDir: string): Promise<void> {
  const log = createGroundTruthLog(join(incidentDir, 'ground-truth.jsonl'))
  const out = await mkdtemp(join(tmpdir(), 'bakery-export-'))
  defer(t, () => rm(out, { recursive: true, force: true }))
  const rca = join(out, 'rcaeval')
  await exportRun({ log, incidentDir, caseId: truth.case_id, format: 'rcaeval', out: rca })
  assert.equal(
    Number((await readFile(join(rca, 'inject_time.txt'), 'utf8')).trim()),
    Math.floor(truth.inject_time),
  )
  const traces = await csv(join(rca, 'traces.csv'))
  assert.deepEqual(traces[0], [...RCAEVAL_TRACE_COLUMNS])
  assert.ok(traces.length > 10, 'traces.csv holds the run spans')
  assert.ok(traces.slice(1).every((row) => row.length === RCAEVAL_TRACE_COLUMNS.length))
  assert.deepEqual((await csv(join(rca, 'logs.csv')))[0], [...RCAEVAL_LOG_COLUMNS])
  const metrics = await csv(join(rca, 'metrics.csv'))
  assert.equal(metrics[0]?.[0], 'time')
  assert.ok(metrics.length > 1, 'metrics.csv holds samples')

  const orca = join(out, 'openrca')
  const files = await exportRun({ log, incidentDir, caseId: truth.case_id, format: 'openrca', out: orca })
  const record = await csv(join(orca, 'record.csv'))
  assert.deepEqual(record[0], [...OPENRCA_RECORD_COLUMNS])
  const rc = truth.root_cause
  assert.deepEqual(record[1]?.slice(0, 3), [rc.level, rc.component, String(Math.floor(truth.inject_time))])
  assert.equal(record[1]?.[4], rc.reason)
  const path = (suffix: string) => join(orca, files.find((f) => f.endsWith(suffix)) ?? suffix)
  assert.deepEqual((await csv(path('trace_span.csv')))[0], [...OPENRCA_TRACE_COLUMNS])
  assert.deepEqual((await csv(path('log_service.csv')))[0], [...OPENRCA_LOG_COLUMNS])
  assert.deepEqual((await csv(path('metric_container.csv')))[0], [...OPENRCA_METRIC_COLUMNS])
}

/** Runs `name` with `seed` for `durationS` on the stack, checks it, and returns its ground truth. */
export async function runIncidentAndCheck(
  t: TestContext,
  stack: IncidentStack,
  name: string,
  options: { seed: number; durationS: number },
): Promise<GroundTruth> {
  const started = stack.runner.start({ name, seed: options.seed, durationS: options.durationS })
  assert.equal(started.incident, name)
  const done = await stack.runner.finished()
  assert.equal(done.error, null)
  assert.equal(done.state, 'done')
  const lines = (await readFile(stack.groundTruthPath, 'utf8')).trim().split('\n')
  const mine = lines.map((l) => JSON.parse(l) as GroundTruth).filter((r) => r.case_id === started.caseId)
  assert.equal(mine.length, 1, 'one ground-truth line per run')
  const truth = mine[0] as GroundTruth
  const incident = findIncident(name)
  assert.equal(truth.schema, 'bakery.gt/v1')
  assert.equal(truth.case_id, started.caseId)
  assert.equal(truth.seed, options.seed)
  assert.deepEqual(truth.root_cause, incident.rootCause)
  assert.ok(truth.inject_time >= truth.start_time && truth.inject_time < truth.end_time)
  assert.equal(new Date(truth.inject_time * 1000).toISOString(), truth.inject_time_iso)
  assert.deepEqual(truth.expected_signals, incident.signals)
  assert.ok(truth.verified.ok, `verified: ${JSON.stringify(truth.verified)}`)
  assert.ok(truth.verified.detect_ms !== null && truth.verified.detect_ms <= DETECT_LIMIT_MS)
  for (const signal of truth.verified.signals) {
    if (signal.seen_in === 'traces') assert.ok(signal.example_trace_ids.length > 0)
  }
  await checkExports(t, truth, stack.dir)
  t.diagnostic(`${name}: detect_ms=${truth.verified.detect_ms}`)
  return truth
}

export const BASELINE_LIMIT_MS = 30_000
const BASELINE_WINDOW_S = 2

/**
 * Drives the run's load again in short windows after its stop until `done` says the system is
 * back (true, or what is still wrong), failing after 30 s from the stop. Returns the time from the
 * stop to the start of the window that was back (0 when it already was, for `before: true`).
 */
async function driveUntil(
  stack: IncidentStack,
  truth: GroundTruth,
  what: string,
  done: (fromMs: number, toMs: number) => true | string,
  options: { checkFirst?: boolean } = {},
): Promise<number> {
  const endMs = truth.end_time * 1000
  if (options.checkFirst && done(endMs, Date.now()) === true) return 0
  const load = truth.load
    .filter((l) => l.kind !== 'poison-orders')
    .map((l) => ({ kind: l.kind as LoadKind, rate: l.rate, startS: 0, endS: BASELINE_WINDOW_S }))
  const endpoints = {
    urlOf: (kind: LoadKind) => (kind === 'poison-orders' ? undefined : stack.urls[LOAD_SERVICES[kind]]),
    poison: async () => {},
  }
  const seen: string[] = []
  for (let window = 0; Date.now() - endMs < BASELINE_LIMIT_MS && window < 30; window++) {
    const fromMs = Date.now()
    const driver = startLoadDriver(load, endpoints, truth.seed)
    await new Promise((resolve) => setTimeout(resolve, BASELINE_WINDOW_S * 1000))
    await driver.stop()
    const answer = done(fromMs, Date.now())
    if (answer === true) return Math.round(fromMs - endMs)
    seen.push(answer)
  }
  assert.fail(`${truth.incident}: ${what} not within ${BASELINE_LIMIT_MS} ms of the stop: ${seen.join('; ')}`)
}

/**
 * After a run has stopped, its span signal is back at its level before the injection (the share
 * of the matching spans that are slow or errors) within 30 s of the stop, under the run's load.
 */
export async function backToBaseline(stack: IncidentStack, truth: GroundTruth): Promise<number> {
  const signal = truth.expected_signals.find((s) => s.signal === 'slow-spans' || s.signal === 'error-spans')
  assert.ok(signal, `${truth.incident} has a span signal`)
  const store = stack.telemetry.spanStore
  assert.ok(store, 'the stack keeps spans')
  const hit = (span: StoredSpan) =>
    signal.signal === 'error-spans' ? span.status === 'error' : span.durationMs >= signal.threshold
  const share = (fromMs: number, toMs: number) => {
    let all = 0
    let hits = 0
    store.each((span) => {
      if (span.startTimeMs + span.durationMs < fromMs) return false
      if (span.startTimeMs < fromMs || span.startTimeMs >= toMs) return true
      if (span.service !== signal.service || !span.name.includes(signal.span)) return true
      all++
      if (hit(span)) hits++
      return true
    })
    return { all, share: all === 0 ? 0 : hits / all }
  }
  const before = share(truth.start_time * 1000, truth.inject_time * 1000)
  return driveUntil(
    stack,
    truth,
    `${signal.service} ${signal.signal} back to ${(before.share * 100).toFixed(0)} % (${before.all} spans before the injection)`,
    (fromMs, toMs) => {
      const now = share(fromMs, toMs)
      return now.all >= 3 && now.share <= before.share + 0.05
        ? true
        : `${now.all} spans, ${(now.share * 100).toFixed(0)} %`
    },
  )
}

/** Every circuit breaker of the process is closed again within 30 s of the stop. */
export function breakersClosed(stack: IncidentStack, truth: GroundTruth): Promise<number> {
  return driveUntil(
    stack,
    truth,
    'every breaker closed',
    () => {
      const open = stack.infra.breakers.list().filter((b) => b.state !== 'closed')
      return open.length === 0 ? true : open.map((b) => `${b.name} ${b.state}`).join(', ')
    },
    { checkFirst: true },
  )
}
