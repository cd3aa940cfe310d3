// Coffee menu brew times, the order list and Idempotency-Key, embedded and on real PostgreSQL +
// RabbitMQ: a coffee added with POST /coffees is brewed for its own time and reaches `ready`;
// GET /orders pages newest first with Link rel="next"; a reused key answers the first order,
// 422 with another payload, 409 while the first is in flight.
import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import { isolatedDatabase, isolatedVhost } from '../support/isolated.ts'
import { requireServer } from '../support/servers.ts'
import { lockTable } from '../support/table-lock.ts'
import { type Shop, startShop } from './shop.ts'

interface OrderView {
  id: string
  status: string
  customer_name: string
  items: { type: string; state: string; barista?: string }[]
}

async function realEnv(t: TestContext): Promise<Record<string, string> | undefined> {
  const pgUrl = await requireServer(t, 'postgres')
  const amqpUrl = pgUrl && (await requireServer(t, 'amqp'))
  if (!pgUrl || !amqpUrl) return undefined
  return { DATABASE_URL: await isolatedDatabase(t, pgUrl), AMQP_URL: await isolatedVhost(t, amqpUrl) }
}

async function addCoffee(shop: Shop, body: unknown): Promise<Response> {
  return fetch(`${shop.reception.url()}/coffees`, { method: 'POST', body: JSON.stringify(body) })
}

async function readyOrder(shop: Shop, location: string): Promise<OrderView> {
  return shop.waitFor(`${location} ready`, async () => {
    const view = (await (await shop.get(location)).json()) as OrderView
    return view.status === 'ready' ? view : undefined
  })
}

async function brewTimes(shop: Shop, orderId: string): Promise<number[]> {
  const db = await shop.proc.infra.database()
  const { rows } = await db.query<{ brew_ms: number }>(
    'SELECT brew_ms FROM barista.brews WHERE order_id = $1 ORDER BY item_index',
    [orderId],
  )
  return rows.map((r) => Number(r.brew_ms))
}

async function newCoffeeIsBrewed(t: TestContext, env: Record<string, string>): Promise<void> {
  // BAKE_TIME_SCALE 0.002: a 4000 ms brew takes 8 ms; the recorded brew time proves whose time it was.
  const shop = await startShop(t, env)
  assert.equal((await addCoffee(shop, { name: 'mocha', price: 3.4, brew_ms: 4000 })).status, 201)
  assert.equal((await addCoffee(shop, { name: 'cortado', price: 2.2 })).status, 201)
  const menu = (await (await shop.get('/coffees')).json()) as { coffees: { name: string; brew_ms: number }[] }
  const times = Object.fromEntries(menu.coffees.map((c) => [c.name, c.brew_ms]))
  assert.deepEqual(times, { cappuccino: 6000, espresso: 3000, latte: 8000, mocha: 4000, cortado: 5000 })

  const ordered = await shop.order({
    name: 'Ann',
    items: [
      { type: 'mocha', size: 'small' },
      { type: 'cortado', size: 'large' },
      { type: 'latte', size: 'small' },
    ],
  })
  assert.equal(ordered.status, 201)
  const location = ordered.headers.get('location') ?? ''
  const view = await readyOrder(shop, location)
  assert.deepEqual(
    view.items.map((i) => i.state),
    ['ready', 'ready', 'ready'],
  )
  // Thomas brews only the seed's espresso and cappuccino; the new coffees go to Sofia or John.
  for (const item of view.items.slice(0, 2)) assert.ok(['Sofia', 'John'].includes(item.barista ?? ''))
  assert.deepEqual(await brewTimes(shop, view.id), [8, 10, 16])
}

test('coffee added with POST /coffees is brewed for its menu brew time and reaches ready (embedded)', async (t) => {
  await newCoffeeIsBrewed(t, {})
})

test('coffee added with POST /coffees is brewed for its menu brew time and reaches ready (real servers)', async (t) => {
  const env = await realEnv(t)
  if (env) await newCoffeeIsBrewed(t, env)
})

test('coffee POST /coffees answers 400 naming the valid range when brew_ms is not a valid time', async (t) => {
  const shop = await startShop(t)
  for (const brew of [-1, 1.5, '5000', 600_001]) {
    const response = await addCoffee(shop, { name: 'flat white', price: 3, brew_ms: brew })
    assert.equal(response.status, 400)
    const body = (await response.json()) as { errors: { field: string; message: string }[] }
    assert.equal(body.errors[0]?.field, 'brew_ms')
    assert.match(body.errors[0]?.message ?? '', /0 to 600000/)
  }
})

test('coffee GET /orders lists orders newest first in cursor pages with Link rel="next"', async (t) => {
  const shop = await startShop(t)
  const ids: string[] = []
  for (const name of ['a', 'b', 'c', 'd', 'e']) {
    const r = await shop.order({ name, items: [{ type: 'espresso', size: 'small' }] })
    ids.push((r.headers.get('location') ?? '').split('/').at(-1) ?? '')
  }
  const seen: string[] = []
  let next: string | undefined = '/orders?limit=2'
  let pages = 0
  while (next && pages < 10) {
    pages++
    const response = await shop.get(next)
    assert.equal(response.status, 200)
    const page = (await response.json()) as OrderView[]
    assert.ok(page.length <= 2)
    seen.push(...page.map((o) => o.id))
    next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1]
  }
  assert.equal(pages, 3)
  assert.deepEqual(seen, [...ids].reverse())
  const all = (await (await shop.get('/orders')).json()) as OrderView[]
  assert.deepEqual(
    all.map((o) => o.customer_name),
    ['e', 'd', 'c', 'b', 'a'],
  )
  for (const bad of ['/orders?limit=0', '/orders?limit=101', '/orders?limit=x', '/orders?cursor=nope']) {
    const response = await shop.get(bad)
    assert.equal(response.status, 400, bad)
  }
})

async function idempotentOrders(t: TestContext, env: Record<string, string>): Promise<void> {
  const shop = await startShop(t, env)
  const order = { name: 'Cy', items: [{ type: 'latte', size: 'medium' }] }
  const key = { 'idempotency-key': 'coffee-key-1' }
  const first = await shop.order(order, key)
  assert.equal(first.status, 201)
  const again = await shop.order(order, key)
  assert.equal(again.status, 201)
  assert.equal(again.headers.get('location'), first.headers.get('location'))
  const other = await shop.order({ ...order, items: [{ type: 'espresso', size: 'medium' }] }, key)
  assert.equal(other.status, 422)
  assert.equal(((await other.json()) as { code: string }).code, 'BKR_IDEMPOTENCY_KEY_REUSED')
  assert.equal((await shop.order(order, { 'idempotency-key': 'has space' })).status, 400)
  await readyOrder(shop, first.headers.get('location') ?? '')
  const listed = (await (await shop.get('/orders')).json()) as OrderView[]
  assert.equal(listed.length, 1)
}

test('coffee POST /orders answers the first order for a reused Idempotency-Key and 422 for another payload (embedded)', async (t) => {
  await idempotentOrders(t, {})
})

test('coffee POST /orders answers the first order for a reused Idempotency-Key and 422 for another payload (real servers)', async (t) => {
  const env = await realEnv(t)
  if (env) await idempotentOrders(t, env)
})

test('coffee POST /orders answers 409 while the first request with an Idempotency-Key is in flight', async (t) => {
  const env = await realEnv(t)
  if (!env) return
  const shop = await startShop(t, env)
  const order = { name: 'Di', items: [{ type: 'espresso', size: 'small' }] }
  const key = { 'idempotency-key': 'coffee-key-409' }
  const lock = await lockTable(String(env.DATABASE_URL), 'coffee.orders')
  const first = shop.order(order, key)
  try {
    await lock.waiter()
    const second = await shop.order(order, key)
    assert.equal(second.status, 409)
    assert.equal(((await second.json()) as { code: string }).code, 'BKR_IDEMPOTENCY_IN_FLIGHT')
  } finally {
    await lock.release()
  }
  const answered = await first
  assert.equal(answered.status, 201)
  const third = await shop.order(order, key)
  assert.equal(third.headers.get('location'), answered.headers.get('location'))
})
