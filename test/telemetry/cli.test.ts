import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { openTelemetryStore } from '../../src/platform/telemetry/store/index.ts'
import { runCli } from '../support/cli.ts'

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-telemetry-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('bakery telemetry export and import move a run through a file that re-exports byte for byte', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'store.sqlite')
  const store = openTelemetryStore({ location: path })
  const traceId = randomBytes(16).toString('hex')
  store.spans.add({
    traceId,
    spanId: randomBytes(8).toString('hex'),
    parentSpanId: undefined,
    name: 'POST /orders',
    kind: 'server',
    service: 'reception',
    startTimeMs: Date.now(),
    durationMs: 2,
    status: 'ok',
    statusMessage: undefined,
    attributes: { 'bakery.order_key': traceId },
    events: [],
    links: [],
  })
  store.addLog({
    timeUs: Date.now() * 1000,
    level: 30,
    service: 'reception',
    message: 'order accepted',
    attributes: {},
  })
  store.close()
  const env = { BAKERY_TELEMETRY_STORE: path }
  const first = join(dir, 'run-1.gz')
  const exported = runCli(['telemetry', 'export', '--run', '1', '--out', first], env)
  assert.equal(exported.status, 0, exported.stderr)
  const imported = runCli(['telemetry', 'import', first], env)
  assert.equal(imported.status, 0, imported.stderr)
  assert.match(imported.stdout, /as run 2/)
  const second = join(dir, 'run-2.gz')
  assert.equal(runCli(['telemetry', 'export', '--run', '2', '--out', second], env).status, 0)
  assert.ok(readFileSync(first).equals(readFileSync(second)))
  const runs = runCli(['telemetry', 'runs'], env)
  assert.match(runs.stdout, /2 +import .* 1 spans, 1 logs/)
  const unknown = runCli(['telemetry', 'export', '--run', '9', '--out', join(dir, 'x.gz')], env)
  assert.equal(unknown.status, 1)
  assert.match(unknown.stderr, /no run 9/)
})

test('bakery start stops with an error naming the store path and how to reset when the file is not a store', (t) => {
  const path = join(tempDir(t), 'telemetry.sqlite')
  writeFileSync(path, 'this is a shopping list, not a database\n'.repeat(200))
  const before = readFileSync(path)
  const result = runCli(['start', 'dashboard'], {
    BAKERY_TELEMETRY_STORE: path,
    BAKERY_DASHBOARD_PORT: '0',
    HOST: '127.0.0.1',
  })
  assert.equal(result.status, 2)
  assert.match(result.stderr, /BKR_TELEMETRY_STORE_UNREADABLE|telemetry store/)
  assert.ok(result.stderr.includes(path), result.stderr)
  assert.match(result.stderr, /move or delete/)
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace')
  assert.deepEqual(readFileSync(path), before, 'the file is left as it was')
})
