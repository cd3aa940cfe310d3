// The seed's order API, on the embedded adapters and on real PostgreSQL + RabbitMQ.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventually, getOrder, modes, postOrder, startBakery } from '../support/bakery.ts'

const ORDER_KEY = /^[0-9a-f]{32}$/
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

for (const mode of modes) {
  describe(`bakery reception (${mode})`, () => {
    test('reception keeps the seed contract from POST to a finished order', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const root = await fetch(`${bakery.url}/`)
      assert.equal(root.status, 200)
      assert.deepEqual(await root.json(), { message: 'reception is attended' })

      const posted = await postOrder(bakery.url, { customer: 'homer', pastry: 'la bombe' })
      assert.equal(posted.status, 202)
      assert.deepEqual(Object.keys(posted.body), ['orderKey'])
      const key = String(posted.body.orderKey)
      assert.match(key, ORDER_KEY)

      const first = await getOrder(bakery.url, key)
      assert.equal(first.status, 200)
      assert.deepEqual(Object.keys(first.body).slice(0, 4), ['pastry', 'customer', 'orderTime', 'status'])
      assert.equal(first.body.pastry, 'la bombe')
      assert.equal(first.body.customer, 'homer')
      assert.match(String(first.body.orderTime), ISO_UTC_MS)
      assert.ok(['pending', 'baking', 'finished'].includes(String(first.body.status)))

      const done = await eventually(async () => {
        const r = await getOrder(bakery.url, key)
        return r.body.status === 'finished' && r.body
      })
      assert.match(String(done.finishedTime), ISO_UTC_MS)
      assert.ok(Date.parse(String(done.finishedTime)) >= Date.parse(String(done.orderTime)))

      const unknown = await getOrder(bakery.url, '0123456789abcdef0123456789abcdef')
      assert.equal(unknown.status, 404)
      assert.equal(unknown.body.code, 'BKR_HTTP_NOT_FOUND')

      // The bare orders flow records no journey, and says so instead of showing half of one.
      const journey = await fetch(`${bakery.url}/orders/${key}/journey`)
      assert.equal(journey.status, 404)
      assert.match(((await journey.json()) as { message: string }).message, /journey is off/)
    })

    test('reception gives two identical orders in the same second two keys', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const order = { customer: 'homer', pastry: 'croissant' }
      const [a, b] = await Promise.all([postOrder(bakery.url, order), postOrder(bakery.url, order)])
      assert.equal(a.status, 202)
      assert.equal(b.status, 202)
      assert.notEqual(a.body.orderKey, b.body.orderKey)
    })

    test('reception reads any content type as JSON and ignores extra fields as the seed does', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const body = JSON.stringify({ customer: 'fry', pastry: 'escargot', tip: 5, status: 'finished' })
      for (const headers of [
        { 'content-type': 'text/plain' },
        { 'content-type': 'application/x-www-form-urlencoded' },
      ]) {
        const posted = await postOrder(bakery.url, body, headers)
        assert.equal(posted.status, 202)
        const read = await getOrder(bakery.url, String(posted.body.orderKey))
        assert.equal(read.body.customer, 'fry')
        assert.equal(read.body.pastry, 'escargot')
        assert.equal('tip' in read.body, false)
      }
    })

    test('reception answers each bad input with a 4xx JSON error naming the field and stores nothing', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const cases: { body: string; status: number; field?: string }[] = [
        { body: '{"customer":"homer",', status: 400, field: 'body' },
        { body: '', status: 400, field: 'body' },
        { body: '[1,2]', status: 400, field: 'body' },
        { body: '"croissant"', status: 400, field: 'body' },
        { body: '{"pastry":"croissant"}', status: 400, field: 'customer' },
        { body: '{"customer":"homer"}', status: 400, field: 'pastry' },
        { body: '{"customer":"","pastry":"croissant"}', status: 400, field: 'customer' },
        { body: '{"customer":42,"pastry":"croissant"}', status: 400, field: 'customer' },
        { body: '{"customer":"homer","pastry":["croissant"]}', status: 400, field: 'pastry' },
        {
          body: JSON.stringify({ customer: 'x'.repeat(101), pastry: 'croissant' }),
          status: 400,
          field: 'customer',
        },
        { body: '{"customer":"homer","pastry":"donut"}', status: 400, field: 'pastry' },
        {
          body: JSON.stringify({ customer: 'homer', pastry: 'croissant', pad: 'x'.repeat(20_000) }),
          status: 413,
        },
      ]
      for (const c of cases) {
        const response = await postOrder(bakery.url, c.body)
        assert.equal(response.status, c.status, `${c.body.slice(0, 60)} → ${JSON.stringify(response.body)}`)
        assert.equal(typeof response.body.code, 'string')
        assert.equal(typeof response.body.message, 'string')
        if (c.field) {
          const errors = response.body.errors as { field: string }[]
          assert.ok(
            errors.some((e) => e.field === c.field),
            `${c.body.slice(0, 60)} names ${c.field}: ${JSON.stringify(errors)}`,
          )
        }
      }
      const unknownPastry = await postOrder(bakery.url, { customer: 'homer', pastry: 'donut' })
      assert.match(String(unknownPastry.body.message), /croissant, kouign-amann, la bombe/)
      const badKey = await getOrder(bakery.url, 'NOT-A-KEY')
      assert.equal(badKey.status, 400)
      assert.deepEqual(badKey.body.errors, [{ field: 'key', message: 'must be 32 lowercase hex digits' }])
      const badIdempotency = await postOrder(
        bakery.url,
        { customer: 'homer', pastry: 'croissant' },
        { 'idempotency-key': 'has space' },
      )
      assert.equal(badIdempotency.status, 400)
      const [count] = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.orders')
      assert.equal(count?.n, '0')
    })

    test('reception returns the same order for a repeated Idempotency-Key and stores it once', async (t) => {
      const bakery = await startBakery(t, mode)
      if (!bakery) return
      const headers = { 'content-type': 'application/json', 'idempotency-key': 'order-123' }
      const order = { customer: 'tuca', pastry: 'profiterole' }
      const [a, b] = await Promise.all([
        postOrder(bakery.url, order, headers),
        postOrder(bakery.url, order, headers),
      ])
      const c = await postOrder(bakery.url, order, headers)
      // A duplicate that arrives while the first is still in flight is a 409 (IETF draft); one
      // that arrives after it answered gets the first order.
      const created = [a, b].filter((r) => r.status === 202)
      assert.ok(created.length >= 1)
      for (const r of [a, b]) assert.ok(r.status === 202 || r.status === 409, `status ${r.status}`)
      for (const r of created) assert.equal(r.body.orderKey, c.body.orderKey)
      assert.equal(c.status, 202)
      const other = await postOrder(bakery.url, order, { ...headers, 'idempotency-key': 'order-124' })
      assert.notEqual(other.body.orderKey, c.body.orderKey)
      const rows = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.orders')
      assert.equal(rows[0]?.n, '2')
      await eventually(
        async () => (await getOrder(bakery.url, String(c.body.orderKey))).body.status === 'finished',
      )
      const bakes = await bakery.sql<{ bakes: number }>(
        'SELECT bakes FROM $schema.orders WHERE order_key = $1',
        [c.body.orderKey],
      )
      assert.equal(Number(bakes[0]?.bakes), 1)
    })

    test('reception lists orders newest first in cursor pages filtered by status', async (t) => {
      const bakery = await startBakery(t, mode, { bakers: 0 })
      if (!bakery) return
      const keys: string[] = []
      for (const customer of ['a', 'b', 'c', 'd', 'e']) {
        keys.push(String((await postOrder(bakery.url, { customer, pastry: 'caramel tart' })).body.orderKey))
      }
      const seen: string[] = []
      let cursor = ''
      for (let page = 0; page < 5; page++) {
        const response: Response = await fetch(
          `${bakery.url}/orders?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        )
        assert.equal(response.status, 200)
        const body = (await response.json()) as {
          orders: { orderKey: string; status: string }[]
          nextCursor?: string
        }
        seen.push(...body.orders.map((o) => o.orderKey))
        assert.ok(body.orders.every((o) => o.status === 'pending'))
        if (!body.nextCursor) break
        cursor = body.nextCursor
      }
      assert.deepEqual(seen, [...keys].reverse())
      const finished = (await (await fetch(`${bakery.url}/orders?status=finished`)).json()) as {
        orders: unknown[]
      }
      assert.deepEqual(finished.orders, [])
      for (const bad of ['status=burnt', 'limit=0', 'limit=abc', 'cursor=xyz']) {
        const response: Response = await fetch(`${bakery.url}/orders?${bad}`)
        assert.equal(response.status, 400, bad)
        const body = (await response.json()) as { errors: { field: string }[] }
        assert.equal(body.errors[0]?.field, bad.split('=')[0])
      }
    })

    test('reception lists orders by orderTime newest first after sequential and concurrent posts', async (t) => {
      const bakery = await startBakery(t, mode, { bakers: 0 })
      if (!bakery) return
      for (let i = 0; i < 5; i++) await postOrder(bakery.url, { customer: `s${i}`, pastry: 'escargot' })
      const concurrent = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          postOrder(bakery.url, { customer: `c${i}`, pastry: 'croissant' }),
        ),
      )
      assert.ok(concurrent.every((r) => r.status === 202))
      const listed: { orderKey: string; orderTime: string }[] = []
      let cursor = ''
      for (let page = 0; page < 40; page++) {
        const response = await fetch(`${bakery.url}/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        const body = (await response.json()) as { orders: typeof listed; nextCursor?: string }
        listed.push(...body.orders)
        if (!body.nextCursor) break
        cursor = body.nextCursor
      }
      assert.equal(listed.length, 35)
      assert.equal(new Set(listed.map((o) => o.orderKey)).size, 35)
      const times = listed.map((o) => Date.parse(o.orderTime))
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'orderTime newest first across pages',
      )
      const [newest] = await bakery.sql<{ t: Date }>('SELECT max(order_time) AS t FROM $schema.orders')
      assert.equal(times[0], new Date(newest?.t as Date).getTime())
    })
  })
}
