import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { startDashboard } from '../../test/support/dashboard.ts'

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

test('dashboard log search filters by text, level, service and order key, and refuses bad filters with 400', async (t) => {
  const { url, telemetry } = await startDashboard(t, { BAKERY_TELEMETRY_STORE: 'memory:' })
  const store = telemetry.store
  assert.ok(store)
  const orderKey = hex(16)
  const now = Date.now() * 1000
  store.addLog({
    timeUs: now,
    level: 30,
    service: 'reception',
    message: 'order accepted',
    orderKey,
    attributes: { order_key: orderKey },
  })
  store.addLog({
    timeUs: now + 1,
    level: 50,
    service: 'baker',
    message: 'order processing failed',
    orderKey,
    attributes: {},
  })
  store.addLog({
    timeUs: now + 2,
    level: 30,
    service: 'barista',
    message: 'coffee order brewed',
    attributes: {},
  })
  const search = async (query: string) => {
    const response = await fetch(`${url}/api/logs?${query}`)
    assert.equal(response.status, 200)
    return ((await response.json()) as { logs: { message: string }[] }).logs.map((l) => l.message)
  }
  assert.deepEqual(await search('q=ORDER'), [
    'coffee order brewed',
    'order processing failed',
    'order accepted',
  ])
  assert.deepEqual(await search('level=warn'), ['order processing failed'])
  assert.deepEqual(await search('service=barista'), ['coffee order brewed'])
  assert.deepEqual(await search(`orderKey=${orderKey}`), ['order processing failed', 'order accepted'])
  for (const bad of ['level=loud', 'limit=0', 'traceId=xyz', 'run=-1']) {
    assert.equal((await fetch(`${url}/api/logs?${bad}`)).status, 400, bad)
  }
  assert.equal((await fetch(`${url}/api/orders/${encodeURIComponent('a b')}/signals`)).status, 400)
})

test('dashboard downloads a run as gzip OTLP JSON, uploads it back as a new run, and answers 404 for an unknown run', async (t) => {
  const { url, telemetry, auth } = await startDashboard(t, { BAKERY_TELEMETRY_STORE: 'memory:' })
  const store = telemetry.store
  assert.ok(store?.run)
  const tracer = telemetry.forService('reception').tracer
  tracer.startSpan('POST /orders', { attributes: { 'bakery.order_key': hex(16) } }).end()
  const download = await fetch(`${url}/api/telemetry/runs/${store.run}/export`)
  assert.equal(download.status, 200)
  assert.equal(download.headers.get('content-type'), 'application/gzip')
  const file = Buffer.from(await download.arrayBuffer())
  assert.match(gunzipSync(file).toString('utf8'), /"name":"POST \/orders"/)
  const upload = await fetch(`${url}/api/telemetry/runs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/gzip', 'x-file-name': 'shared.gz' },
    body: file,
  })
  assert.equal(upload.status, 201, await upload.clone().text())
  const { run } = (await upload.json()) as { run: { id: number; spans: number; source: string } }
  assert.equal(run.source, 'import')
  assert.equal(run.spans, 1)
  const again = Buffer.from(await (await fetch(`${url}/api/telemetry/runs/${run.id}/export`)).arrayBuffer())
  assert.ok(again.equals(file), 'the uploaded run downloads byte for byte')
  assert.equal((await fetch(`${url}/api/telemetry/runs/999/export`)).status, 404)
  const bad = await fetch(`${url}/api/telemetry/runs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/gzip' },
    body: gzipSync('not json\n'),
  })
  assert.equal(bad.status, 400)
  assert.match(((await bad.json()) as { message: string }).message, /line 1 is not JSON/)
})
