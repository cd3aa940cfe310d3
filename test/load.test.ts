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

test('startLoad follows coffee orders from their Location to ready, counting declined payments apart', async (t) => {
  const server = await startFakeApis({ coffeeDeclineEvery: 4, bakeMs: 20 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, target: 'coffee', vus: 4, durationMs: 600 }).done
  assert.equal(s.accepted, server.counts.coffee)
  assert.ok(s.accepted > 10, `accepted ${s.accepted}`)
  const c = s.completion
  assert.ok(c)
  assert.equal(c.tracked, s.accepted)
  assert.equal(c.declined, server.counts.coffeeDeclined)
  assert.ok(server.counts.coffeeDeclined > 0)
  assert.equal(c.finished, s.accepted - server.counts.coffeeDeclined)
  assert.equal(c.lost, 0)
  assert.equal(c.wrongBody, 0)
  // e2e from the order's own created_at → ready_at: the fake makes it ready bakeMs after (ms clock)
  assert.equal(c.e2eServerMs?.count, c.finished)
  assert.ok((c.e2eServerMs?.p50 ?? 0) >= 19, JSON.stringify(c.e2eServerMs))
  assert.equal(s.ok, true)
})

test('startLoad reports coffee orders lost when never ready or declined, and apart when their Location answers 404', async (t) => {
  const server = await startFakeApis({ coffeeStallEvery: 5, coffeeForgetEvery: 7, bakeMs: 2 })
  t.after(() => server.close())
  const s = await startLoad({
    url: server.url,
    target: 'coffee',
    vus: 2,
    durationMs: 400,
    drainTimeoutMs: 1000,
  }).done
  const c = s.completion
  assert.ok(c)
  const accepted = server.counts.coffee
  assert.equal(s.accepted, accepted)
  // an order both forgotten and stalled is lost once
  const both = Math.floor(accepted / 35)
  assert.equal(c.lost, server.counts.coffeeStalled + server.counts.coffeeForgotten - both)
  assert.equal(c.lostNotFound, server.counts.coffeeForgotten)
  assert.equal(c.finished + c.lost, accepted)
  assert.equal(c.declined, 0)
  assert.equal(s.ok, false)
})

test('startLoad counts a coffee order whose GET names another customer as a wrong body', async (t) => {
  const server = await startFakeApis({ coffeeWrongNameEvery: 3, bakeMs: 2 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, target: 'coffee', vus: 2, durationMs: 300 }).done
  assert.ok((s.completion?.wrongBody ?? 0) > 0, JSON.stringify(s.completion))
  assert.equal(s.completion?.lost, 0)
  assert.equal(s.ok, false)
})

test('startLoad walks the album catalogue page by page with each user, starting over at the end', async (t) => {
  const server = await startFakeApis({ albums: 25 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, target: 'albums', vus: 3, durationMs: 400, batch: 10 }).done
  assert.equal(s.accepted, server.counts.pages)
  assert.equal(s.completion, null)
  const w = s.walk
  assert.ok(w)
  assert.equal(w.walkers, 3)
  assert.equal(w.pages, s.accepted)
  assert.equal(w.albums, server.counts.albumsServed)
  // 25 albums in pages of 10: pages 1..3, the third without a next link
  assert.equal(w.deepestPage, 3)
  assert.ok(w.laps > 0)
  // every walker asked for the first page once, then once after each lap it completed
  assert.ok(server.counts.firstPages >= w.laps && server.counts.firstPages <= w.laps + w.walkers)
  assert.equal(w.pagesPerSec, Number((w.pages / s.durationS).toFixed(1)))
  assert.equal(w.albumsPerSec, Number((w.albums / s.durationS).toFixed(1)))
  assert.equal(s.ok, true)
})

test('startLoad walks album pages in open loop too, one request in flight per walker', async (t) => {
  const server = await startFakeApis({ albums: 50 })
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, target: 'albums', rate: 100, durationMs: 500, batch: 10 }).done
  assert.ok(s.walk)
  assert.ok(s.walk.walkers >= 1)
  assert.ok(s.walk.deepestPage > 1, JSON.stringify(s.walk))
  assert.equal(s.walk.albums, server.counts.albumsServed)
})

test('startLoad reports events per second from accepted batches', async (t) => {
  const server = await startFakeApis()
  t.after(() => server.close())
  const s = await startLoad({ url: server.url, target: 'events', vus: 2, durationMs: 300, batch: 5 }).done
  assert.ok(s.accepted > 0 && s.ok)
  assert.deepEqual(s.events, {
    batch: 5,
    count: server.counts.events,
    perSec: Number((server.counts.events / s.durationS).toFixed(1)),
  })
  assert.equal(s.accepted * 5, server.counts.events)
  assert.equal(s.completion, null)
  assert.equal(s.walk, undefined)
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
  // the orders summary keeps its fields (the dashboard and bench/ read them); no coffee/album ones
  assert.deepEqual(Object.keys(s.completion), [
    'tracked',
    'untracked',
    'finished',
    'lost',
    'lostNotFound',
    'unverified',
    'wrongBody',
    'drainS',
    'polls',
    'pollErrors',
    'e2eServerMs',
    'e2eObservedMs',
    'backlogS',
  ])
  assert.equal('walk' in s || 'events' in s, false)
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

test("bakery load --target coffee prints ready, declined and lost, and the order's own e2e", async (t) => {
  const server = await startFakeApis({ coffeeDeclineEvery: 3, bakeMs: 5 })
  t.after(() => server.close())
  const r = await runLoadCli(['--url', server.url, '--target', 'coffee', '--vus', '2', '--duration', '500ms'])
  assert.equal(r.code, 0, r.err)
  const n = (value: number) => value.toLocaleString('en-US')
  const { coffee, coffeeDeclined } = server.counts
  assert.match(
    r.out,
    new RegExp(
      `^ready +${n(coffee - coffeeDeclined)} of ${n(coffee)} followed +declined ${n(coffeeDeclined)} +lost 0`,
      'm',
    ),
  )
  assert.match(r.out, /^e2e ms +p50 .* ready_at - created_at$/m)
  assert.match(r.out, /^result +OK$/m)
})

test('bakery load --target albums --json carries the walk: pages/s and albums/s', async (t) => {
  const server = await startFakeApis({ albums: 30 })
  t.after(() => server.close())
  const r = await runLoadCli([
    '--url',
    server.url,
    '--target',
    'albums',
    '--batch',
    '10',
    '--vus',
    '2',
    '--duration',
    '500ms',
    '--json',
  ])
  assert.equal(r.code, 0, r.err)
  const s = JSON.parse(r.out)
  assert.deepEqual(Object.keys(s.walk), [
    'walkers',
    'pages',
    'pagesPerSec',
    'albums',
    'albumsPerSec',
    'laps',
    'deepestPage',
  ])
  assert.equal(s.walk.pages, server.counts.pages)
  assert.equal(s.walk.albums, server.counts.albumsServed)
  assert.equal(s.walk.deepestPage, 3)
  assert.equal(s.completion, null)
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
