// The seed's coffee-shop 0.0.6 contract, with its fixes: validation errors are 400, sizes are
// checked and priced, totals come from the database's prices, orders reach `ready` via the barista.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startShop } from './shop.ts'

interface OrderView {
  id: string
  created_at: string
  customer_name: string
  items: { type: string; size: string; price: number; state: string; barista?: string }[]
  status: string
  total: number
}

test('coffee reception answers 201 with a Location when an order is valid, and the order becomes ready', async (t) => {
  const shop = await startShop(t)
  const response = await shop.order({
    name: 'Ann',
    items: [
      { type: 'latte', size: 'large' },
      { type: 'espresso', size: 'small' },
      { type: 'cappuccino', size: 'medium' },
    ],
  })
  assert.equal(response.status, 201)
  assert.equal(await response.text(), '')
  const location = response.headers.get('location') ?? ''
  assert.match(location, /^\/orders\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

  const first = (await (await shop.get(location)).json()) as OrderView
  assert.equal(first.customer_name, 'Ann')
  assert.ok(!Number.isNaN(Date.parse(first.created_at)))
  assert.deepEqual(
    first.items.map((i) => [i.type, i.size, i.price]),
    [
      ['latte', 'large', 4],
      ['espresso', 'small', 1.5],
      ['cappuccino', 'medium', 3.2],
    ],
  )
  assert.equal(first.total, 8.7)

  const ready = await shop.waitFor('order ready', async () => {
    const view = (await (await shop.get(location)).json()) as OrderView
    return view.status === 'ready' ? view : undefined
  })
  assert.ok(ready.items.every((i) => i.state === 'ready'))
  const latte = ready.items[0]
  assert.ok(latte?.barista === 'Sofia' || latte?.barista === 'John', 'Thomas cannot brew a latte')
})

test('coffee reception answers 400 with the seed messages when the order is invalid', async (t) => {
  const shop = await startShop(t)
  const cases: [unknown, string][] = [
    ['{not json', 'could not parse the request body'],
    [[1, 2], 'could not parse the request body'],
    [{ name: '', items: [{ type: 'latte', size: 'small' }] }, 'invalid name provided'],
    [{ name: 'Ann', items: [] }, 'the order cannot be empty'],
    [{ name: 'Ann' }, 'the order cannot be empty'],
    [{ name: 'Ann', items: [{ type: 'tea', size: 'small' }] }, 'the requested coffee is not supported yet'],
    [{ name: 'Ann', items: [{ type: 'latte', size: 'huge' }] }, 'the requested size is not supported'],
    [{ name: 'Ann', items: [{ type: 'latte' }] }, 'the requested size is not supported'],
  ]
  for (const [body, message] of cases) {
    const response = await shop.order(body)
    assert.equal(response.status, 400, JSON.stringify(body))
    const error = (await response.json()) as { code: string; message: string }
    assert.equal(error.message, message)
    assert.equal(error.code, 'BKR_HTTP_VALIDATION')
  }
  assert.equal((await shop.get('/orders/not-a-uuid')).status, 400)
  assert.equal((await shop.get('/orders/6f1c1f7e-3c9a-4b7e-9d3c-2f1e0c9b8a7d')).status, 404)
})

test('coffee menu comes from the database and a new coffee is priced when it is added', async (t) => {
  const shop = await startShop(t)
  const menu = (await (await shop.get('/coffees')).json()) as {
    coffees: { name: string; price: number }[]
    sizes: Record<string, number>
  }
  assert.deepEqual(
    menu.coffees.map((c) => [c.name, c.price]),
    [
      ['cappuccino', 2.7],
      ['espresso', 1.5],
      ['latte', 3],
    ],
  )
  assert.deepEqual(menu.sizes, { small: 0, medium: 0.5, large: 1 })
  const created = await fetch(`${shop.reception.url()}/coffees`, {
    method: 'POST',
    body: JSON.stringify({ name: 'mocha', price: 3.4 }),
  })
  assert.equal(created.status, 201)
  const location = created.headers.get('location') ?? ''
  assert.deepEqual(((await (await shop.get(location)).json()) as { name: string }).name, 'mocha')
  const ordered = await shop.order({ name: 'Bo', items: [{ type: 'mocha', size: 'large' }] })
  assert.equal(ordered.status, 201)
  const view = (await (await shop.get(ordered.headers.get('location') ?? '')).json()) as OrderView
  assert.equal(view.total, 4.4)
  assert.equal((await shop.get('/coffees/abc')).status, 400)
})

test('coffee reception status reports database, broker and the payments breaker', async (t) => {
  const shop = await startShop(t)
  const response = await shop.get('/status')
  assert.equal(response.status, 200)
  const body = (await response.json()) as { status: string; details: Record<string, unknown> }
  assert.equal(body.status, 'ok')
  assert.equal(body.details.database, 'ok')
  assert.equal(body.details.amqp, 'ok')
  assert.equal(body.details.payments, 'closed')
})
