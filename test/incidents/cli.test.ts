// `bakery incident` on the command line: the catalogue, and grading and exporting a recorded run
// from its files alone (no stack running), as a class or a CI job would after the fact.
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { catalogue, findIncident } from '../../src/incidents/catalogue.ts'
import { parseCsv } from '../../src/incidents/export/csv.ts'
import { openRcaDatetime } from '../../src/incidents/export/openrca.ts'
import { buildGroundTruth, createGroundTruthLog } from '../../src/incidents/ground-truth.ts'
import { planIncident } from '../../src/incidents/plan.ts'
import { runDirectory, saveRunTelemetry } from '../../src/incidents/run-telemetry.ts'
import { runCli } from '../support/cli.ts'

test('bakery incident list prints every incident of the catalogue', () => {
  const result = runCli(['incident', 'list'])
  assert.equal(result.status, 0, result.stderr)
  for (const incident of catalogue) assert.match(result.stdout, new RegExp(`^${incident.name} `, 'm'))
})

test('bakery incident grade and export read a recorded run; a wrong run id exits 1 naming it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bakery-incident-cli-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const incident = findIncident('retry-storm')
  const startedMs = Date.parse('2026-12-03T12:00:00Z')
  const truth = buildGroundTruth({
    caseId: 'retry-storm-s9-abcdef',
    title: incident.title,
    rootCause: incident.rootCause,
    plan: planIncident(incident, 9),
    signals: incident.signals,
    startedMs,
    endedMs: startedMs + 20_000,
    verified: { ok: true, detect_ms: 1500, signals: [] },
  })
  await createGroundTruthLog(join(dir, 'ground-truth.jsonl')).append(truth)
  const span = {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    parentSpanId: undefined,
    name: 'POST /payments',
    kind: 'server' as const,
    service: 'payments',
    startTimeMs: startedMs + 5000,
    durationMs: 2500,
    status: 'error' as const,
    statusMessage: 'timeout, with "quotes", commas',
    attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500 },
    events: [],
    links: [],
  }
  await saveRunTelemetry(runDirectory(dir, truth.case_id), {
    spans: [span],
    metrics: [
      {
        timeMs: startedMs + 5000,
        service: 'payments',
        series: 'process_memory_usage{otel_scope_name="bakery"}',
        name: 'process_memory_usage',
        value: 1e8,
      },
    ],
    logs: [],
  })
  const env = { BAKERY_INCIDENT_DIR: dir }
  const answer = join(dir, 'answer.json')
  await writeFile(
    answer,
    JSON.stringify({ component: 'payments', reason: 'retry amplification', time: truth.inject_time_iso }),
  )
  const graded = runCli(['incident', 'grade', '--run', truth.case_id, '--answer', answer], env)
  assert.equal(graded.status, 0, graded.stderr)
  assert.match(graded.stdout, /score 1\.00/)
  assert.match(graded.stdout, /right\s+component/)

  const out = join(dir, 'openrca')
  const exported = runCli(
    ['incident', 'export', '--run', truth.case_id, '--format', 'openrca', '--out', out],
    env,
  )
  assert.equal(exported.status, 0, exported.stderr)
  const record = parseCsv(await readFile(join(out, 'record.csv'), 'utf8'))
  const inject = Math.floor(truth.inject_time)
  assert.deepEqual(record[1], [
    'service',
    'payments',
    String(inject),
    openRcaDatetime(inject),
    'retry amplification',
  ])
  assert.match(openRcaDatetime(inject), /^2026-12-03 12:00:0\d$/)
  const badFormat = runCli(
    ['incident', 'export', '--run', truth.case_id, '--format', 'csv', '--out', out],
    env,
  )
  assert.equal(badFormat.status, 2)
  assert.match(badFormat.stderr, /format must be one of: rcaeval, openrca/)

  const missing = runCli(['incident', 'grade', '--run', 'no-such-run', '--answer', answer], env)
  assert.equal(missing.status, 1)
  assert.match(missing.stderr, /no run no-such-run/)
})
