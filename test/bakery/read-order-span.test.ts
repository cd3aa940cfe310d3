// The seed's `read-order` span on GET /orders/:key, with its `found_order` attribute on a hit.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import { eventually, getOrder, postOrder, startBakery } from '../support/bakery.ts'

test('bakery GET /orders/:key records the seed read-order span, found_order set only when the order exists', async (t) => {
  const bakery = await startBakery(t, 'embedded', { traces: true, bakers: 0 })
  if (!bakery) return
  const key = String((await postOrder(bakery.url, { customer: 'ann', pastry: 'escargot' })).body.orderKey)
  assert.equal((await getOrder(bakery.url, key)).status, 200)
  const unknown = '0123456789abcdef0123456789abcdef'
  assert.equal((await getOrder(bakery.url, unknown)).status, 404)

  const reads = await eventually(async () => {
    const found = bakery.exporter.getFinishedSpans().filter((s) => s.name === 'read-order')
    return found.length === 2 && found
  })
  const byKey = (k: string) => reads.find((s) => s.attributes['db.order_key'] === k)
  const hit = byKey(key)
  const miss = byKey(unknown)
  assert.ok(hit && miss)
  assert.equal(hit.kind, SpanKind.CLIENT)
  assert.equal(hit.attributes.found_order, true)
  assert.equal(hit.attributes['db.found_order'], true)
  assert.equal(miss.attributes.found_order, undefined)
  assert.equal(miss.attributes['db.found_order'], false)
  const servers = bakery.exporter.getFinishedSpans().filter((s) => s.name === 'GET /orders/:key')
  for (const read of [hit, miss])
    assert.ok(
      servers.some((s) => s.spanContext().spanId === read.parentSpanContext?.spanId),
      'a child of the request span',
    )
})
