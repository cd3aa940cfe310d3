// Reception → queue → bakers end to end: volume, competing bakers, redeliveries, poison messages.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Agent } from 'undici'
import { eventually, getOrder, modes, postOrder, startBakery } from '../support/bakery.ts'

for (const mode of modes) {
  describe(`bakery pipeline (${mode})`, () => {
    test('pipeline finishes 1,000 concurrently posted orders, each baked once, with two bakers', async (t) => {
      const bakery = await startBakery(t, mode, { bakers: 2 })
      if (!bakery) return
      const pastries = ['croissant', 'kouign-amann', 'la bombe', 'escargot']
      // All 1,000 requests are in flight at once, over a pool of 64 keep-alive connections.
      const agent = new Agent({ connections: 64 })
      t.after(() => agent.close())
      const posted = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          postOrder(
            bakery.url,
            { customer: `c${i % 4}`, pastry: pastries[i % 4] },
            { 'content-type': 'application/json' },
            agent,
          ),
        ),
      )
      assert.deepEqual(
        posted.filter((p) => p.status !== 202),
        [],
      )
      const keys = new Set(posted.map((p) => String(p.body.orderKey)))
      assert.equal(keys.size, 1000)
      await eventually(
        async () => {
          const [row] = await bakery.sql<{ n: string }>(
            "SELECT count(*)::text AS n FROM $schema.orders WHERE status = 'finished'",
          )
          return row?.n === '1000'
        },
        60_000,
        'all 1000 orders finished',
      )
      const rows = await bakery.sql<{ order_key: string; bakes: number }>(
        'SELECT order_key, bakes FROM $schema.orders',
      )
      assert.equal(rows.length, 1000)
      assert.deepEqual(
        rows.filter((r) => Number(r.bakes) !== 1),
        [],
      )
      assert.deepEqual(new Set(rows.map((r) => r.order_key)), keys)
      const queue = await bakery.infra.queue()
      await eventually(async () => (await queue.depth(bakery.config.ordersQueue)) === 0)
      assert.equal(await queue.depth(`${bakery.config.ordersQueue}.dead`), 0)
      const [outbox] = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.outbox')
      await eventually(async () => {
        const [o] = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.outbox')
        return o?.n === '0'
      })
      assert.ok(outbox)
    })

    test('pipeline treats a redelivered message of a finished order as harmless', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const key = String(
        (await postOrder(bakery.url, { customer: 'bertie', pastry: 'croissant' })).body.orderKey,
      )
      const done = await eventually(async () => {
        const r = await getOrder(bakery.url, key)
        return r.body.status === 'finished' && r.body
      })
      const queue = await bakery.infra.queue()
      const duplicate = JSON.stringify({
        orderKey: key,
        timeEnqueued: new Date().toISOString(),
        traceContext: {},
      })
      for (let i = 0; i < 3; i++) {
        await queue.publish({ routingKey: bakery.config.ordersQueue }, Buffer.from(duplicate), {
          messageId: key,
        })
      }
      await eventually(async () => (await queue.depth(bakery.config.ordersQueue)) === 0)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const after = await getOrder(bakery.url, key)
      assert.equal(after.body.status, 'finished')
      assert.equal(after.body.finishedTime, done.finishedTime)
      const [row] = await bakery.sql<{ bakes: number }>(
        'SELECT bakes FROM $schema.orders WHERE order_key = $1',
        [key],
      )
      assert.equal(Number(row?.bakes), 1)
      assert.equal(await queue.depth(`${bakery.config.ordersQueue}.dead`), 0)
    })

    test('pipeline moves poison messages to orders.dead with the reason and keeps baking', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const queue = await bakery.infra.queue()
      const name = bakery.config.ordersQueue
      await queue.publish({ routingKey: name }, Buffer.from('not json at all'))
      await queue.publish({ routingKey: name }, Buffer.from('{"orderKey":"NOPE"}'))
      await queue.publish(
        { routingKey: name },
        Buffer.from(JSON.stringify({ orderKey: 'f'.repeat(32), timeEnqueued: new Date().toISOString() })),
      )
      const dead: { body: string; reason: string | undefined }[] = []
      await queue.consume(
        `${name}.dead`,
        async (d) => {
          dead.push({ body: d.body.toString(), reason: d.headers['x-death-reason'] })
          await d.ack()
        },
        { prefetch: 10 },
      )
      await eventually(async () => dead.length === 3, 20_000, 'three dead letters')
      const reasons = dead.map((d) => d.reason).sort()
      assert.deepEqual(reasons, [
        'malformed: body is not JSON',
        'malformed: orderKey is not 32 lowercase hex digits',
        `no order ${'f'.repeat(32)}`,
      ])
      assert.ok(dead.some((d) => d.body === 'not json at all'))
      const key = String(
        (await postOrder(bakery.url, { customer: 'fry', pastry: 'profiterole' })).body.orderKey,
      )
      await eventually(async () => (await getOrder(bakery.url, key)).body.status === 'finished')
    })
  })
}
