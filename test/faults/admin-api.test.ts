// /admin/faults on every service: the model's bodies, 400s naming the bad field with the valid
// values, the bakery_fault_active gauge, schedules, and the flat body acting too.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { startServices } from '../support/services.ts'

const TOKEN = 'admin-api-test-token'

async function start(t: import('node:test').TestContext) {
  const started = await startServices(t, ['album-store', 'reception', 'baker'], {
    BAKERY_ADMIN_TOKEN: TOKEN,
    BAKE_TIME_SCALE: '0',
    BAKERY_ORDER_JOURNEY: 'false',
    BAKERY_ORDERS_SCHEMA: `t_faults_${randomUUID().slice(0, 8)}`,
  })
  const reception = started.services.get('reception') as unknown as { url(): string }
  const admin = (method: string, body?: unknown, query = '') =>
    fetch(`${reception.url()}/admin/faults${query}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  return { started, admin, url: reception.url() }
}

test('admin faults refuses unknown targets, seams, types, fields and ranges with a 400 naming the valid ones', async (t) => {
  const { admin } = await start(t)
  const cases: [unknown, RegExp][] = [
    [{ target: 'oven.db', type: 'latency' }, /unknown service; valid: reception, baker/],
    [
      { target: 'baker.http', type: 'error' },
      /baker has no seam "http"; valid: baker\.db, baker\.queue, baker\.cache, baker\.process/,
    ],
    [
      { target: 'baker.db', type: 'melt' },
      /not a fault of seam db; valid: latency, error, pool-cap, refused/,
    ],
    [{ target: 'baker.db', type: 'latency', ms: 'slow' }, /ms must be an integer from 0 to 600000/],
    [{ target: 'baker.db', type: 'latency', colour: 'red' }, /field "colour" is not a field of db latency/],
    [{ target: 'reception.http', type: 'error', rate: 1.5 }, /rate must be a number from 0 to 1/],
    [{ target: 'reception.http', type: 'error', status: 200 }, /status must be an integer from 400 to 599/],
    [
      { target: 'baker.db', type: 'error', match: { pastry: 'x' } },
      /match\.pastry is never seen by baker\.db/,
    ],
  ]
  for (const [body, says] of cases) {
    const response = await admin('PUT', body)
    assert.equal(response.status, 400, JSON.stringify(body))
    const answer = (await response.json()) as { code: string; message: string }
    assert.equal(answer.code, 'BKR_FAULT_INVALID')
    assert.match(answer.message, says)
  }
  const clear = await admin('DELETE', undefined, '?target=baker.http')
  assert.equal(clear.status, 400)
  assert.match(((await clear.json()) as { message: string }).message, /valid: reception, reception\.http/)
  assert.deepEqual(
    ((await (await admin('GET')).json()) as { faults: unknown[] }).faults,
    [],
    'nothing stored',
  )
})

test('admin faults sets a matched fault on the reception that hits only that pastry and shows in bakery_fault_active', async (t) => {
  const { admin, url, started } = await start(t)
  const set = await admin('PUT', {
    target: 'reception.http',
    type: 'error',
    status: 503,
    match: { pastry: 'escargot' },
  })
  assert.equal(set.status, 200)
  const order = (pastry: string) =>
    fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customer: 'ann', pastry }),
    })
  assert.equal((await order('escargot')).status, 503)
  assert.equal((await order('croissant')).status, 202)
  const metrics = await started.telemetry.forService('reception').metricsText()
  assert.match(metrics, /bakery_fault_active\{target="reception\.http",seam="http",type="error"[^}]*\} 1/)
  const listed = (await (await admin('GET')).json()) as {
    services: string[]
    faults: { id: string; by: string }[]
  }
  assert.deepEqual(listed.services.sort(), ['album-store', 'baker', 'reception'])
  assert.deepEqual(
    listed.faults.map((f) => [f.id, f.by]),
    [['reception.http:error', 'admin-api']],
  )
  assert.equal((await admin('DELETE', undefined, '?target=reception.http&type=error')).status, 200)
  assert.equal((await order('escargot')).status, 202)
})

test('admin faults runs a scheduled fault in its window only and a worker fault through any service of the process', async (t) => {
  const { admin } = await start(t)
  const body = {
    target: 'baker.db',
    type: 'latency',
    ms: 10,
    schedule: { startAfterMs: 150, durationMs: 150 },
  }
  const set = (await (await admin('PUT', body)).json()) as { active: boolean; nextChange: string }
  assert.equal(set.active, false, 'waits for its start')
  assert.ok(Date.parse(set.nextChange) > Date.now())
  await new Promise((resolve) => setTimeout(resolve, 200))
  const during = (await (await admin('GET')).json()) as { faults: { active: boolean }[] }
  assert.equal(during.faults[0]?.active, true)
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.deepEqual(
    ((await (await admin('GET')).json()) as { faults: unknown[] }).faults,
    [],
    'gone after its window',
  )
})

test('admin faults still takes the flat body and acts on it', async (t) => {
  const { admin, url } = await start(t)
  const response = await admin('PUT', { target: 'album-store', errorRate: 1 })
  assert.equal(response.status, 200)
  const answer = (await response.json()) as { errorRate: number; faults: { id: string }[] }
  assert.equal(answer.errorRate, 1)
  assert.deepEqual(
    answer.faults.map((f) => f.id),
    ['album-store.http:error'],
  )
  assert.equal((await admin('PUT', { target: 'album-store', errorRate: 0 })).status, 200)
  assert.equal((await admin('PUT', { colour: 'red', errorRate: 0.5 })).status, 400)
  assert.ok(url)
})
