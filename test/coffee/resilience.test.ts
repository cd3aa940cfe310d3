// Payments outages, poison messages, rate limits and back pressure on the embedded coffee shop.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BARISTA_QUEUE, CREATED_KEY, ORDERS_EXCHANGE } from '../../src/coffee/events.ts'
import { ADMIN_TOKEN, startShop } from './shop.ts'

const latte = { name: 'Ann', items: [{ type: 'latte', size: 'small' }] }

test('coffee orders wait as awaiting_payment when payments is down and complete when it recovers', async (t) => {
  const shop = await startShop(t)
  assert.equal((await shop.admin('PUT', '/admin/faults', { down: true })).status, 200)
  const locations: string[] = []
  for (let i = 0; i < 8; i++) {
    const response = await shop.order(latte)
    assert.equal(response.status, 201, 'orders are accepted while payments is down')
    locations.push(response.headers.get('location') ?? '')
  }
  await shop.waitFor('breaker open', async () => {
    const response = await fetch(`${shop.reception.url()}/admin/breakers`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    })
    const { breakers } = (await response.json()) as { breakers: { name: string; state: string }[] }
    return breakers.find((b) => b.name === 'payments' && b.state === 'open')
  })
  for (const location of locations) {
    const view = (await (await shop.get(location)).json()) as { status: string }
    assert.equal(view.status, 'awaiting_payment')
  }
  assert.equal((await shop.admin('DELETE', '/admin/faults')).status, 200)
  for (const location of locations) {
    await shop.waitFor(`${location} ready`, async () => {
      const view = (await (await shop.get(location)).json()) as { status: string }
      return view.status === 'ready' ? view : undefined
    })
  }
  const response = await fetch(`${shop.reception.url()}/admin/breakers`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  })
  const { breakers } = (await response.json()) as { breakers: { name: string; state: string }[] }
  assert.equal(breakers.find((b) => b.name === 'payments')?.state, 'closed')
})

test('coffee barista dead-letters an unparsable order message instead of acking it away', async (t) => {
  const shop = await startShop(t)
  const queue = await shop.proc.infra.queue()
  await queue.publish(
    { exchange: ORDERS_EXCHANGE, routingKey: CREATED_KEY },
    Buffer.from('not protobuf \xff'),
  )
  await shop.waitFor('dead letter', async () =>
    (await queue.depth(`${BARISTA_QUEUE}.dead`)) === 1 ? true : undefined,
  )
  assert.equal(await queue.depth(BARISTA_QUEUE), 0)
})

test('coffee reception answers 429 with Retry-After when one client orders too often', async (t) => {
  const shop = await startShop(t, { BAKERY_COFFEE_RATE_LIMIT: '3' })
  for (let i = 0; i < 3; i++) assert.equal((await shop.order(latte)).status, 201)
  const limited = await shop.order(latte)
  assert.equal(limited.status, 429)
  assert.ok(Number(limited.headers.get('retry-after')) > 0)
  assert.equal(((await limited.json()) as { code: string }).code, 'BKR_HTTP_RATE_LIMITED')
  assert.equal((await shop.get('/coffees')).status, 200, 'reads are not limited')
})

test('coffee reception sheds load with 503 and Retry-After when the event loop lags', async (t) => {
  const shop = await startShop(t, { BAKERY_MAX_EVENT_LOOP_DELAY_MS: '100' })
  assert.equal((await shop.order(latte)).status, 201)
  let shed: Response | undefined
  for (let round = 0; round < 5 && !shed; round++) {
    const until = Date.now() + 1200
    while (Date.now() < until) {
      // Block the loop on purpose: this is the lag being measured.
    }
    const response = await shop.order(latte)
    if (response.status === 503) shed = response
    else await response.arrayBuffer()
  }
  assert.ok(shed, 'a lagging reception answers 503')
  assert.equal(shed.headers.get('retry-after'), '2')
  assert.equal(((await shed.json()) as { code: string }).code, 'BKR_HTTP_OVERLOADED')
})
