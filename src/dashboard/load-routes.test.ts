import assert from 'node:assert/strict'
import { once } from 'node:events'
import { get, type IncomingMessage } from 'node:http'
import { type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startDashboard } from '../../test/support/dashboard.ts'
import { startFakeApis } from '../../test/support/fake-apis.ts'
import { ErrorCode } from '../platform/errors.ts'
import type { LoadRunView } from './load-control.ts'

async function startWithReception(t: TestContext) {
  const reception = await startFakeApis({ bakeMs: 10 })
  const { url, auth } = await startDashboard(t, {}, { upstreams: { reception: reception.url } })
  t.after(() => reception.close())
  authByUrl.set(url, auth)
  return { url, reception, auth }
}

const authByUrl = new Map<string, { authorization: string }>()

const post = (url: string, body: unknown) =>
  fetch(`${url}/api/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authByUrl.get(url) },
    body: JSON.stringify(body),
  })

/**
 * Reads `run` events of the load stream until one satisfies `until` (bounded by `timeoutMs`). A plain
 * node:http request, destroyed at the end: fetch's pool would keep (and re-open) sockets that hold
 * the dashboard's close() open until their timeouts.
 */
async function watch(url: string, until: (run: LoadRunView) => boolean, timeoutMs = 30_000) {
  const request = get(`${url}/api/load/stream`, { timeout: timeoutMs })
  request.on('timeout', () => request.destroy(new Error(`no matching run event in ${timeoutMs} ms`)))
  const [response] = (await once(request, 'response')) as [IncomingMessage]
  assert.equal(response.headers['content-type'], 'text/event-stream')
  const seen: LoadRunView[] = []
  let buffer = ''
  try {
    for await (const chunk of response.setEncoding('utf8')) {
      buffer += chunk
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const data = /^data: (.*)$/m.exec(message)?.[1]
        if (!message.startsWith('event: run') || data === undefined) continue
        const { run } = JSON.parse(data) as { run: LoadRunView | null }
        if (!run) continue
        seen.push(run)
        if (until(run)) return seen
      }
    }
  } finally {
    request.destroy()
  }
  throw new Error(`stream ended before the condition held; last: ${JSON.stringify(seen.at(-1))}`)
}

async function waitDone(url: string): Promise<LoadRunView> {
  for (let i = 0; i < 300; i++) {
    const { run } = (await (await fetch(`${url}/api/load`)).json()) as { run: LoadRunView | null }
    if (run && run.state !== 'running') return run
    await sleep(100)
  }
  throw new Error('the load run did not end in 30 s')
}

test('dashboard load API runs the load generator against the reception and streams progress then the summary', async (t) => {
  const { url, reception } = await startWithReception(t)
  const info = await (await fetch(`${url}/api/info`)).json()
  assert.equal(info.panels.load, true)
  assert.deepEqual((await (await fetch(`${url}/api/load`)).json()).run, null)

  const started = await post(url, { target: 'orders', rate: 50, durationS: 1.5 })
  assert.equal(started.status, 202)
  const { run } = (await started.json()) as { run: LoadRunView }
  assert.equal(run.state, 'running')
  assert.equal(run.url, reception.url)
  assert.deepEqual(run.request, { target: 'orders', rate: 50, durationS: 1.5 })

  const seen = await watch(url, (r) => r.state === 'done')
  assert.ok(
    seen.some((r) => r.state === 'running' && r.progress.phase === 'load' && r.progress.sent > 0),
    'progress during the load',
  )
  const summary = seen.at(-1)?.summary
  assert.ok(summary)
  assert.equal(summary.mode, 'open')
  assert.equal(summary.accepted, reception.counts.accepted)
  assert.ok(summary.accepted > 0)
  assert.deepEqual(summary.errors, {})
  assert.equal(summary.completion?.finished, summary.accepted)
  assert.equal(summary.completion?.lost, 0)
  assert.ok(summary.acceptMs && summary.acceptMs.p50 <= summary.acceptMs.p99)
  // The last run stays readable after it ended.
  const last = (await (await fetch(`${url}/api/load`)).json()).run as LoadRunView
  assert.equal(last.id, run.id)
  assert.equal(last.summary?.accepted, summary.accepted)
})

test('dashboard load API answers 400 naming the field when an option is missing or out of bounds', async (t) => {
  const { url, reception } = await startWithReception(t)
  const cases: [unknown, string][] = [
    [{ rate: 5000, durationS: 5 }, 'rate'],
    [{ rate: 0, durationS: 5 }, 'rate'],
    [{ rate: 10 }, 'durationS'],
    [{ rate: 10, durationS: 301 }, 'durationS'],
    [{ vus: 0, durationS: 5 }, 'vus'],
    [{ vus: 2.5, durationS: 5 }, 'vus'],
    [{ durationS: 5 }, 'rate'],
    [{ rate: 10, vus: 4, durationS: 5 }, 'vus'],
    [{ target: 'events', rate: 10, durationS: 5 }, 'target'],
  ]
  for (const [body, field] of cases) {
    const response = await post(url, body)
    const answer = await response.json()
    assert.equal(response.status, 400, JSON.stringify(body))
    assert.equal(answer.code, ErrorCode.HTTP_VALIDATION)
    assert.ok(
      answer.errors.some((e: { field: string }) => e.field === field),
      `${JSON.stringify(body)} names ${field}: ${JSON.stringify(answer.errors)}`,
    )
  }
  assert.equal(reception.counts.posts, 0, 'no bad request started a run')
})

test('dashboard load API refuses a second run with 409 BKR_LOAD_BUSY and stops the first on DELETE', async (t) => {
  const { url, reception } = await startWithReception(t)
  assert.equal((await post(url, { rate: 20, durationS: 60 })).status, 202)
  const busy = await post(url, { vus: 2, durationS: 1 })
  assert.equal(busy.status, 409)
  assert.equal((await busy.json()).code, ErrorCode.LOAD_BUSY)

  await watch(url, (r) => r.progress.sent > 0)
  const stopped = await fetch(`${url}/api/load`, { method: 'DELETE', headers: authByUrl.get(url) ?? {} })
  assert.equal(stopped.status, 200)
  assert.equal((await stopped.json()).run.stopRequested, true)
  const run = await waitDone(url)
  assert.equal(run.state, 'done')
  assert.ok(run.summary)
  assert.equal(run.summary.stoppedEarly, true)
  assert.ok(run.summary.durationS < 60)
  assert.equal(run.summary.accepted, reception.counts.accepted)
  assert.equal(run.summary.completion?.lost, 0)
  // Nothing runs any more: a stop is a 404, and a new run may start.
  assert.equal(
    (await fetch(`${url}/api/load`, { method: 'DELETE', headers: authByUrl.get(url) ?? {} })).status,
    404,
  )
  assert.equal((await post(url, { vus: 1, durationS: 0.2 })).status, 202)
  assert.equal((await waitDone(url)).state, 'done')
})
