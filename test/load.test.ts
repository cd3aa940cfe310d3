// The load generator against a real (in-process, loopback) HTTP server speaking the order contract.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import type { LatencySummary } from '../src/load/index.ts'
import { type LoadPhase, type LoadProgress, startLoad } from '../src/load/index.ts'
import { cliPath } from './support/cli.ts'
import { startFakeApis } from './support/fake-apis.ts'

function assertShape(h: LatencySummary | null) {
  assert.ok(h, 'a latency summary')
  assert.ok(h.p50 > 0)
  assert.ok(h.p50 <= h.p90 && h.p90 <= h.p99 && h.p99 <= h.p999 && h.p999 <= h.max, JSON.stringify(h))
}

test('startLoad counts accepted orders, errors by code and finished orders when the server rejects some', async (t) => {
  const server = await startFakeApis({ rejectEvery: 10, bakeMs: 20 })
  t.after(() => server.close())
  const phases: LoadPhase[] = []
  const progress: LoadProgress[] = []
  const run = startLoad({ url: server.url, vus: 8, durationMs: 1500, progressIntervalMs: 200 })
  run.on('phase', (p) => phases.push(p))
  run.on('progress', (p) => progress.push(p))
  const s = await run.done

  assert.equal(s.mode, 'closed')
  assert.equal(s.accepted, server.counts.accepted)
  assert.equal(s.sent, server.counts.posts)
  assert.deepEqual(s.errors, { '503': server.counts.rejected })
  assert.ok(s.accepted > 50, `accepted ${s.accepted}`)
  assertShape(s.acceptMs)
  assert.equal(s.acceptMs?.count, s.accepted)
  assert.ok(s.completion)
  assert.equal(s.completion.tracked, s.accepted)
  assert.equal(s.completion.finished, s.accepted)
  assert.equal(s.completion.lost, 0)
  assert.equal(s.completion.wrongBody, 0)
  assertShape(s.completion.e2eServerMs)
  // the server finishes an order bakeMs after it stamped orderTime (ms clock: allow 1 ms)
  assert.ok((s.completion.e2eServerMs?.p50 ?? 0) >= 19, JSON.stringify(s.completion.e2eServerMs))
  assert.ok(s.cpu.loadCores >= 0 && s.cpu.cores >= 1)
  assert.equal(s.ok, true)
  assert.deepEqual(phases, ['load', 'drain', 'done'])
  assert.ok(progress.length >= 3)
  assert.equal(progress.at(-1)?.phase, 'done')
  assert.ok(progress.some((p) => p.phase === 'load' && p.ratePerSec > 0 && p.p99Ms > 0))
})

test('startLoad reports lost orders when accepted orders never finish or are forgotten', async (t) => {
  const server = await startFakeApis({ stallEvery: 7, forgetEvery: 11, bakeMs: 1 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, vus: 2, durationMs: 500, drainTimeoutMs: 2500 }).done
  assert.ok(s.completion)
  assert.equal(s.accepted, server.counts.accepted)
  // a forgotten order that was also stalled counts once
  const both = Math.floor(server.counts.accepted / 77)
  assert.equal(s.completion.lost, server.counts.stalled + server.counts.forgotten - both)
  assert.equal(s.completion.lostNotFound, server.counts.forgotten)
  assert.equal(s.completion.finished, s.accepted - s.completion.lost)
  assert.equal(s.ok, false)
})

test('startLoad sends on schedule in open loop whatever the replies, including the ramp', async (t) => {
  const server = await startFakeApis({ bakeMs: 1 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, rate: 200, rampMs: 500, durationMs: 1000, track: false }).done
  assert.equal(s.mode, 'open')
  assert.equal(s.latencyFrom, 'intended')
  // 200/s for 1 s, the first 0.5 s ramping from 0: 50 + 100
  assert.equal(s.sent, 150)
  assert.equal(s.accepted + s.dropped + Object.values(s.errors).reduce((a, b) => a + b, 0), 150)
  assert.equal(s.completion, null)
  assertShape(s.acceptMs)
})

test('startLoad leaves warmup out of the figures but still follows its orders', async (t) => {
  const server = await startFakeApis({ bakeMs: 1 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, vus: 2, warmupMs: 300, durationMs: 300 }).done
  assert.ok(s.warmupAccepted > 0)
  assert.equal(s.accepted + s.warmupAccepted, server.counts.accepted)
  assert.equal(s.completion?.tracked, server.counts.accepted)
  assert.equal(s.completion?.finished, server.counts.accepted)
})

test('startLoad ends early on stop() and reports it', async (t) => {
  const server = await startFakeApis({ bakeMs: 1 })
  t.after(() => server.close())
  const run = startLoad({ url: server.url, vus: 2, durationMs: 60_000 })
  setTimeout(() => run.stop(), 300)
  const s = await run.done
  assert.equal(s.stoppedEarly, true)
  assert.ok(s.durationS < 5, `window ${s.durationS}`)
  assert.equal(s.completion?.lost, 0)
})

test('startLoad counts connection failures by error code when nothing listens', async () => {
  const server = await startFakeApis()
  const url = server.url
  await server.close()
  const s = await startLoad({ url, vus: 2, durationMs: 200 }).done
  assert.equal(s.accepted, 0)
  assert.ok((s.errors.ECONNREFUSED ?? 0) > 0, JSON.stringify(s.errors))
  assert.equal(s.ok, false)
})

test('startLoad loads the coffee, album page and event APIs when given their target', async (t) => {
  const server = await startFakeApis()
  t.after(() => server.close())
  const coffee = await startLoad({ url: server.url, target: 'coffee', vus: 2, durationMs: 200 }).done
  assert.equal(coffee.accepted, server.counts.coffee)
  assert.equal(coffee.completion, null)
  const albums = await startLoad({ url: server.url, target: 'albums', vus: 2, durationMs: 200 }).done
  assert.equal(albums.accepted, server.counts.pages)
  const events = await startLoad({ url: server.url, target: 'events', vus: 2, durationMs: 200, batch: 5 })
    .done
  assert.equal(events.accepted * 5, server.counts.events)
  for (const s of [coffee, albums, events]) assert.ok(s.accepted > 0 && s.ok)
})

test('startLoad refuses options it cannot use, naming them', () => {
  assert.throws(() => startLoad({ url: 'nope', durationMs: 1 }), /url "nope" is not a URL/)
  assert.throws(() => startLoad({ url: 'http://x', mode: 'open', durationMs: 1 }), /needs a rate/)
  assert.throws(
    () => startLoad({ url: 'http://x', vus: 1.5, durationMs: 1 }),
    /vus must be a positive integer/,
  )
})

async function runLoadCli(args: string[]) {
  const child = spawn(process.execPath, [cliPath, 'load', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    err += d
  })
  const [code] = await once(child, 'exit')
  return { code: code as number, out, err }
}

test('bakery load --json prints one summary object when the run is done', async (t) => {
  const server = await startFakeApis({ bakeMs: 2 })
  t.after(() => server.close())
  const r = await runLoadCli(['--url', server.url, '--vus', '3', '--duration', '1s', '--json'])
  assert.equal(r.code, 0, r.err)
  const s = JSON.parse(r.out)
  assert.equal(s.accepted, server.counts.accepted)
  assert.equal(s.completion.finished, server.counts.accepted)
  assert.equal(s.completion.lost, 0)
  assert.deepEqual(Object.keys(s.acceptMs).sort(), ['count', 'max', 'mean', 'p50', 'p90', 'p99', 'p999'])
  assert.equal(typeof s.cpu.loadSharePct, 'number')
  // not a terminal: progress as plain lines on stderr
  assert.match(r.err, /^done {2}\[#+\] [\d,]+\/[\d,]+ finished$/m)
})

test('bakery load prints a readable summary and exits 1 when orders are lost', async (t) => {
  const server = await startFakeApis({ stallEvery: 2, bakeMs: 1 })
  t.after(() => server.close())
  const r = await runLoadCli([
    '--url',
    server.url,
    '--rate',
    '50',
    '--duration',
    '500ms',
    '--drain-timeout',
    '500ms',
  ])
  assert.equal(r.code, 1)
  assert.match(r.out, /^accepted +\d+ of \d+ sent/m)
  assert.match(r.out, new RegExp(`lost ${server.counts.stalled}\\b`))
  assert.match(r.out, /^result +NOT OK$/m)
})

test('bakery load exits 2 on a bad option, naming it', async () => {
  const r = await runLoadCli(['--target', 'pizza'])
  assert.equal(r.code, 2)
  assert.match(r.err, /--target must be orders, coffee, albums or events, got "pizza"/)
})

test('bakery load --help prints the load options, not the general help', async () => {
  const r = await runLoadCli(['--help'])
  assert.equal(r.code, 0, r.err)
  assert.match(r.out, /^Usage: bakery load \[options\]/)
  assert.match(r.out, /--drain-timeout D/)
})
