// The journey hops over the queue, without the reception and baker: enrichment reads what the
// store holds and hands on, response-builder finalises and wakes a waiter.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { createLogger } from '../../src/platform/log/index.ts'
import { journeyView } from '../../src/tracking/journey.ts'
import { createCompletionWaiter } from '../../src/tracking/waiter.ts'
import { startBakery } from '../support/bakery.ts'

test('enrichment and response-builder hand an order on and finalise it (embedded)', async (t) => {
  const bakery = await startBakery(t, ['enrichment', 'response-builder'])
  const queue = await bakery.infra.queue()
  const store = await bakery.infra.trackingStore()
  const waiter = createCompletionWaiter(store, createLogger({ level: 'silent', format: 'json' }))
  t.after(() => waiter.close())
  const key = randomBytes(16).toString('hex')
  const now = Date.now()
  await store.record(
    key,
    {
      'accepted.start': String(now),
      'accepted.end': String(now + 1),
      'order.customer': 'homer',
      'order.pastry': 'croissant',
    },
    now,
  )
  await queue.declare({ name: 'orders.enriched' })
  const baker = await queue.consume(
    'orders.enriched',
    async (delivery) => {
      const message = JSON.parse(delivery.body.toString())
      const at = Date.now()
      const journey = { ...message.journey, 'baked.start': String(at), 'baked.end': String(at + 2) }
      await queue.publish(
        { routingKey: 'orders.baked' },
        Buffer.from(JSON.stringify({ ...message, journey })),
      )
      await delivery.ack()
    },
    { prefetch: 1 },
  )
  t.after(() => baker.cancel())
  const done = waiter.wait(key, 10_000)
  await queue.publish({ routingKey: 'orders' }, Buffer.from(JSON.stringify({ orderKey: key })))
  assert.equal(await done, true)
  const fields = await store.read(key)
  assert.ok(fields)
  const view = journeyView(key, fields, Date.now(), 5000)
  console.log(JSON.stringify(view, null, 1), fields.response)
  assert.equal(view.status, 'finished')
})
