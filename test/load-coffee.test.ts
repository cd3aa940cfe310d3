// bakery load --target coffee against the coffee shop (reception, payments and barista in this
// process), embedded and on real PostgreSQL + RabbitMQ: every accepted order is followed from its
// Location to `ready`, and declined payments are counted apart.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type TestContext, test } from 'node:test'
import { OrderStatus } from '../src/coffee/reception/store.ts'
import { COFFEE_STATUSES } from '../src/load/coffee-target.ts'
import { type LoadSummary, startLoad } from '../src/load/index.ts'
import { startShop } from './coffee/shop.ts'
import { isolatedDatabase, isolatedVhost } from './support/isolated.ts'
import { requireServer } from './support/servers.ts'

// The per-client limit (1200/min) is not what these tests are about.
const UNLIMITED = { BAKERY_COFFEE_RATE_LIMIT: '0' }

function assertEveryOrderReady(s: LoadSummary) {
  assert.ok(s.accepted > 0, JSON.stringify(s.errors))
  assert.deepEqual(s.errors, {})
  const c = s.completion
  assert.ok(c)
  assert.equal(c.tracked, s.accepted + s.warmupAccepted)
  assert.equal(c.finished, c.tracked)
  assert.equal(c.declined, 0)
  assert.equal(c.lost, 0)
  assert.equal(c.wrongBody, 0)
  // GET /orders/:id carries created_at and ready_at: end to end from the shop's own clock
  assert.equal(c.e2eServerMs?.count, c.finished)
  assert.equal(s.ok, true)
}

/** Stands in for payments: refuses (402) every third payment, authorises the rest. */
async function startDecliningPayments(t: TestContext) {
  let payments = 0
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      payments++
      response.writeHead(payments % 3 === 0 ? 402 : 201, { 'content-type': 'application/json' })
      response.end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

test('the coffee load target knows every status the coffee reception shows', () => {
  assert.deepEqual([...COFFEE_STATUSES].sort(), Object.values(OrderStatus).sort())
})

test('bakery load follows every coffee order to ready when run against the embedded coffee shop', async (t) => {
  const shop = await startShop(t, UNLIMITED)
  const url = shop.reception.url()
  assertEveryOrderReady(
    await startLoad({ url, target: 'coffee', vus: 4, durationMs: 1500, warmupMs: 300 }).done,
  )
})

test('bakery load counts coffee orders whose payment is declined apart, not as lost', async (t) => {
  const shop = await startShop(t, { ...UNLIMITED, BAKERY_PAYMENTS_URL: await startDecliningPayments(t) })
  const s = await startLoad({ url: shop.reception.url(), target: 'coffee', vus: 3, durationMs: 1000 }).done
  const c = s.completion
  assert.ok(c)
  assert.ok(s.accepted >= 3, `accepted ${s.accepted}`)
  // every third payment refused, whichever order it was
  assert.equal(c.declined, Math.floor(s.accepted / 3))
  assert.equal(c.finished + (c.declined ?? 0), s.accepted)
  assert.equal(c.lost, 0)
  assert.equal(c.wrongBody, 0)
  assert.equal(s.ok, true)
})

test('bakery load follows every coffee order to ready when run against real PostgreSQL and RabbitMQ', async (t) => {
  const pgUrl = await requireServer(t, 'postgres')
  const amqpUrl = pgUrl && (await requireServer(t, 'amqp'))
  if (!pgUrl || !amqpUrl) return
  const shop = await startShop(t, {
    ...UNLIMITED,
    DATABASE_URL: await isolatedDatabase(t, pgUrl),
    DATABASE_POOL_SIZE: '4',
    AMQP_URL: await isolatedVhost(t, amqpUrl),
  })
  const url = shop.reception.url()
  assertEveryOrderReady(await startLoad({ url, target: 'coffee', rate: 100, durationMs: 1500 }).done)
})
