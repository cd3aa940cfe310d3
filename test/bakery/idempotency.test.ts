// Idempotency-Key on the bakery's POST /orders, as the IETF httpapi draft has it: same key and
// payload → the first order; same key, other payload → 422; while the first request is still in
// flight → 409.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventually, getOrder, modes, postOrder, startBakery } from '../support/bakery.ts'
import { lockTable } from '../support/table-lock.ts'

const json = { 'content-type': 'application/json' }

for (const mode of modes) {
  describe(`bakery idempotency (${mode})`, () => {
    test('reception answers 422 when an Idempotency-Key is reused with a different payload', async (t) => {
      const bakery = await startBakery(t, mode, { bakers: 0 })
      if (!bakery) return
      const headers = { ...json, 'idempotency-key': 'order-422' }
      const first = await postOrder(bakery.url, { customer: 'ann', pastry: 'escargot' }, headers)
      assert.equal(first.status, 202)
      const other = await postOrder(bakery.url, { customer: 'ann', pastry: 'la bombe' }, headers)
      assert.equal(other.status, 422)
      assert.equal(other.body.code, 'BKR_IDEMPOTENCY_KEY_REUSED')
      // The refused request changed nothing; the same payload still answers with the first order.
      const again = await postOrder(bakery.url, { customer: 'ann', pastry: 'escargot' }, headers)
      assert.equal(again.status, 202)
      assert.equal(again.body.orderKey, first.body.orderKey)
      assert.equal((await getOrder(bakery.url, String(first.body.orderKey))).body.pastry, 'escargot')
      const rows = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.orders')
      assert.equal(rows[0]?.n, '1')
    })
  })
}

test('bakery reception answers 409 while the first request with an Idempotency-Key is in flight', async (t) => {
  const bakery = await startBakery(t, 'real', { bakers: 0 })
  if (!bakery) return
  const headers = { ...json, 'idempotency-key': 'order-409' }
  const order = { customer: 'bo', pastry: 'profiterole' }
  const lock = await lockTable(String(bakery.config.databaseUrl), `${bakery.config.ordersSchema}.orders`)
  const first = postOrder(bakery.url, order, headers)
  try {
    await lock.waiter()
    const second = await postOrder(bakery.url, order, headers)
    assert.equal(second.status, 409)
    assert.equal(second.body.code, 'BKR_IDEMPOTENCY_IN_FLIGHT')
    const differentWhileInFlight = await postOrder(bakery.url, { ...order, pastry: 'caramel tart' }, headers)
    assert.equal(differentWhileInFlight.status, 422)
  } finally {
    // Before the bakery stops: its shutdown waits for the request the lock holds.
    await lock.release()
  }
  const answered = await first
  assert.equal(answered.status, 202)
  const third = await eventually(async () => {
    const r = await postOrder(bakery.url, order, headers)
    return r.status === 202 && r
  })
  assert.equal(third.body.orderKey, answered.body.orderKey)
})
