import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { testProcess } from '../../../test/support/service-deps.ts'
import { createPayments } from './index.ts'

const TOKEN = 'test-admin-token'

async function startPayments(t: import('node:test').TestContext) {
  const proc = testProcess(t, { BAKERY_ADMIN_TOKEN: TOKEN })
  const [payments] = await proc.start(createPayments(proc.deps('payments')))
  const base = payments?.url() as string
  const admin = (method: string, body?: unknown, token = TOKEN) =>
    fetch(`${base}/admin/faults`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const pay = (orderId: string, amount = 3.5) =>
    fetch(`${base}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, amount }),
    })
  return { base, admin, pay, proc }
}

test('payments authorises an order total once when the same order is posted twice', async (t) => {
  const { pay } = await startPayments(t)
  const orderId = randomUUID()
  const first = await pay(orderId, 5.4)
  assert.equal(first.status, 201)
  const body = (await first.json()) as { id: string; orderId: string; amount: number; status: string }
  assert.equal(body.orderId, orderId)
  assert.equal(body.amount, 5.4)
  assert.equal(body.status, 'authorised')
  const again = await pay(orderId, 5.4)
  assert.equal(again.status, 200)
  assert.equal(((await again.json()) as { id: string }).id, body.id)
  const bad = await pay('not-a-uuid', -1)
  assert.equal(bad.status, 400)
})

test('payments admin API answers 401 when the bearer token is missing or wrong', async (t) => {
  const { base, admin } = await startPayments(t)
  assert.equal((await fetch(`${base}/admin/faults`)).status, 401)
  assert.equal((await admin('PUT', { errorRate: 1 }, 'wrong')).status, 401)
  assert.equal((await fetch(`${base}/admin/breakers`)).status, 401)
  const unauthorised = await fetch(`${base}/admin/faults`, { method: 'PUT', body: '{"down":true}' })
  assert.equal(unauthorised.status, 401)
  assert.equal(((await unauthorised.json()) as { code: string }).code, 'BKR_HTTP_UNAUTHORIZED')
  assert.equal((await admin('GET')).status, 200)
})

test('payments fault API injects errors, latency, hard down and slow drip when set at run time', async (t) => {
  const { admin, pay } = await startPayments(t)
  const set = await admin('PUT', { errorRate: 1 })
  assert.equal(set.status, 200)
  assert.equal(((await set.json()) as { errorRate: number }).errorRate, 1)
  const failed = await pay(randomUUID())
  assert.equal(failed.status, 500)
  assert.equal(
    ((await failed.json()) as { code: string }).code,
    'BKR_INTERNAL',
    'answered as any server fault',
  )

  assert.equal((await admin('PUT', { errorRate: 0, latencyMs: 150, jitterMs: 10 })).status, 200)
  let started = performance.now()
  assert.equal((await pay(randomUUID())).status, 201)
  const delayed = performance.now() - started
  assert.ok(delayed >= 140, `latency injected (${delayed} ms)`)

  assert.equal((await admin('PUT', { latencyMs: 0, down: true })).status, 200)
  await assert.rejects(pay(randomUUID()), /fetch failed/)

  assert.equal((await admin('PUT', { down: false, slowDripMs: 200 })).status, 200)
  started = performance.now()
  const dripped = await pay(randomUUID())
  assert.equal(dripped.status, 201)
  await dripped.json()
  assert.ok(performance.now() - started >= 150, 'body dripped out slowly')

  assert.equal((await admin('PUT', { errorRate: 2, colour: 'red' })).status, 400)
  assert.equal((await admin('DELETE')).status, 200)
  const listed = (await (await admin('GET')).json()) as { faults: unknown[] }
  assert.deepEqual(listed.faults, [])
})

test('payments fault clears itself when it was set for a duration', async (t) => {
  const { admin, pay } = await startPayments(t)
  assert.equal((await admin('PUT', { down: true, durationMs: 200 })).status, 200)
  await assert.rejects(pay(randomUUID()))
  await new Promise((resolve) => setTimeout(resolve, 250))
  assert.equal((await pay(randomUUID())).status, 201)
})

test('payments starts with faults from BAKERY_FAULTS when they are set in the environment', async (t) => {
  const proc = testProcess(t, { BAKERY_ADMIN_TOKEN: TOKEN, BAKERY_FAULTS: 'payments.http:error:status=500' })
  const [payments] = await proc.start(createPayments(proc.deps('payments')))
  const response = await fetch(`${payments?.url()}/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId: randomUUID(), amount: 1 }),
  })
  assert.equal(response.status, 500)
})
