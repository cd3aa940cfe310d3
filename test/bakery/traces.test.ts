// The two linked traces of one order: reception's (server → create-order, publish-order) and the
// baker's (receive-order, a new trace linked to publish-order → processing-order → baking …).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { eventually, getOrder, modes, postOrder, startBakery } from '../support/bakery.ts'

function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name)
  assert.equal(found.length, 1, `one ${name} span, got ${found.length}`)
  return found[0] as ReadableSpan
}

for (const mode of modes) {
  describe(`bakery traces (${mode})`, () => {
    test('an order makes a reception trace and a baker trace linked to the publish-order span', async (t) => {
      const bakery = await startBakery(t, mode, {
        traces: true,
        env: { BAKER_MISTAKE_RATE: '1', BAKE_TIME_SCALE: '0.1' },
      })
      if (!bakery) return
      const key = String(
        (await postOrder(bakery.url, { customer: 'homer', pastry: 'croissant' })).body.orderKey,
      )
      await eventually(async () => (await getOrder(bakery.url, key)).body.status === 'finished')
      const spans = await eventually(async () => {
        const all = bakery.exporter.getFinishedSpans()
        return (
          all.some((s) => s.name === 'receive-order') && all.some((s) => s.name === 'publish-order') && all
        )
      })
      const server = spans.find((s) => s.name === 'POST /orders') as ReadableSpan
      assert.ok(server, 'server span')
      assert.equal(server.kind, SpanKind.SERVER)
      assert.equal(server.attributes['http.response.status_code'], 202)
      assert.equal(server.attributes['http.route'], '/orders')

      const create = one(spans, 'create-order')
      assert.equal(create.kind, SpanKind.CLIENT)
      assert.equal(create.parentSpanContext?.spanId, server.spanContext().spanId)
      assert.equal(create.attributes['db.order_key'], key)
      assert.equal(create.attributes['db.success'], true)
      assert.equal(create.attributes['db.system.name'], 'postgresql')

      const publish = one(spans, 'publish-order')
      assert.equal(publish.kind, SpanKind.PRODUCER)
      assert.equal(publish.spanContext().traceId, server.spanContext().traceId)
      assert.equal(publish.parentSpanContext?.spanId, server.spanContext().spanId)
      assert.equal(publish.attributes['bakery.order_key'], key)
      assert.equal(publish.attributes['queue.publish.success'], true)
      assert.equal(publish.attributes['messaging.destination.name'], `${bakery.config.ordersQueue}.flow`)
      assert.equal(publish.attributes['messaging.operation.type'], 'send')
      assert.equal(publish.attributes['messaging.system'], mode === 'real' ? 'rabbitmq' : 'bakery_memory')
      assert.equal(publish.resource.attributes['service.name'], 'reception')

      const receive = one(spans, 'receive-order')
      assert.equal(receive.kind, SpanKind.CONSUMER)
      assert.notEqual(
        receive.spanContext().traceId,
        server.spanContext().traceId,
        'the baker starts a new trace',
      )
      assert.equal(receive.parentSpanContext, undefined)
      assert.equal(receive.links.length, 1)
      assert.equal(
        receive.links[0]?.context.spanId,
        publish.spanContext().spanId,
        'linked to the producer span',
      )
      assert.equal(receive.links[0]?.context.traceId, publish.spanContext().traceId)
      assert.equal(receive.attributes['bakery.order_key'], key)
      assert.equal(receive.attributes['bakery.pastry'], 'croissant')
      assert.equal(typeof receive.attributes['queue.time_on_queue_ms'], 'number')
      assert.equal(typeof receive.attributes['baker.time_to_completion_ms'], 'number')
      assert.equal(receive.attributes['queue.consume.success'], true)
      assert.equal(receive.attributes['messaging.operation.type'], 'process')
      assert.deepEqual(
        receive.events.map((e) => e.name),
        ['Message processed', 'Message acknoqledged'],
      )
      assert.equal(receive.resource.attributes['service.name'], 'baker')

      const bakerTrace = spans.filter((s) => s.spanContext().traceId === receive.spanContext().traceId)
      const processing = one(bakerTrace, 'processing-order')
      assert.equal(processing.parentSpanContext?.spanId, receive.spanContext().spanId)
      assert.equal(processing.attributes['baker.order_key'], key)
      assert.equal(processing.attributes['baker.error'], false)
      assert.equal(typeof processing.attributes['baker.time_to_completion_ms'], 'number')
      const baking = one(bakerTrace, 'baking')
      assert.equal(baking.parentSpanContext?.spanId, processing.spanContext().spanId)
      assert.equal(baking.attributes['baker.pastry'], 'croissant')
      assert.equal(baking.attributes['baker.mistake'], true)
      assert.deepEqual(
        baking.events.map((e) => e.name),
        ['baker made mistake, redoing'],
      )
      const updates = bakerTrace.filter((s) => s.name === 'update-order')
      assert.deepEqual(updates.map((s) => s.attributes['db.order_status']).sort(), ['baking', 'finished'])
      assert.ok(updates.every((s) => s.parentSpanContext?.spanId === processing.spanContext().spanId))
      assert.ok(
        spans.some((s) => s.name.startsWith('UPDATE ') && s.attributes['db.system.name'] === 'postgresql'),
        'database client spans',
      )
    })
  })
}
