// The coffee reception's breakers besides payments: `database` on its reads (GET /orders/{id},
// the menu) and `rate-limit-store` on the Redis calls of its rate limit. Each opens while its
// server is away (a closed loopback port), shows in GET /admin/breakers and in
// bakery.circuit_breaker.state, and the reception keeps answering: 503 + Retry-After for a read,
// orders still taken (the rate limit fails open at once).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createCoffeeReception } from '../../src/coffee/reception/index.ts'
import { breakerOf, breakerStateMetric } from '../support/breakers.ts'
import { closedPort, switchableDatabase } from '../support/outage.ts'
import { requireServer } from '../support/servers.ts'
import { testProcess } from '../support/service-deps.ts'

const TOKEN = 'coffee-breakers-token'
const breaker = (base: string, name: string) => breakerOf(base, name, TOKEN)
const stateMetric = breakerStateMetric
const ORDER = { name: 'Ann', items: [{ type: 'latte', size: 'large' }] }

async function order(base: string) {
  const started = Date.now()
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  })
  return {
    status: response.status,
    location: response.headers.get('location') ?? '',
    ms: Date.now() - started,
  }
}

async function env() {
  // Payments is not running here: orders wait as awaiting_payment, which is all these tests need.
  return { BAKERY_ADMIN_TOKEN: TOKEN, BAKERY_PAYMENTS_URL: `http://127.0.0.1:${await closedPort()}` }
}

test('coffee database breaker opens while the database is down: GET /orders/{id} answers 503, the menu stays served', async (t) => {
  const proc = testProcess(t, await env())
  const db = switchableDatabase(t, proc.infra)
  const [reception] = await proc.start(
    createCoffeeReception({ ...proc.deps('coffee-reception'), infra: db.infra }),
  )
  const base = reception?.url() as string
  const placed = await order(base)
  assert.equal(placed.status, 201)
  assert.equal((await fetch(`${base}${placed.location}`)).status, 200)
  assert.equal((await fetch(`${base}/coffees`)).status, 200)
  assert.equal((await breaker(base, 'database'))?.state, 'closed')

  await db.down()
  const answers: number[] = []
  for (let i = 0; i < 10 && (await breaker(base, 'database'))?.state !== 'open'; i++) {
    const read = await fetch(`${base}${placed.location}`)
    answers.push(read.status)
    assert.ok(Number(read.headers.get('retry-after')) >= 1, 'a 503 says when to come back')
  }
  assert.ok(answers.length > 0 && answers.every((s) => s === 503), `answers while down: ${answers}`)
  assert.equal((await breaker(base, 'database'))?.state, 'open')
  assert.equal(await stateMetric(base, 'database'), 1)
  const read = await fetch(`${base}${placed.location}`)
  assert.equal(read.status, 503)
  assert.equal(((await read.json()) as { code: string }).code, 'BKR_DB_UNAVAILABLE')
  assert.equal((await fetch(`${base}/coffees`)).status, 200, 'the cached menu still serves')
  db.up()
})

test('coffee rate-limit-store breaker: counts on real Redis, and opens at once when Redis is away while orders go on', async (t) => {
  const redis = await requireServer(t, 'redis')
  if (!redis) return
  const live = testProcess(t, { ...(await env()), REDIS_URL: redis, BAKERY_COFFEE_RATE_LIMIT: '100000' })
  const [reception] = await live.start(createCoffeeReception(live.deps('coffee-reception')))
  const liveUrl = reception?.url() as string
  const counted = await fetch(`${liveUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  })
  assert.equal(counted.status, 201)
  assert.ok(Number(counted.headers.get('x-ratelimit-remaining')) < 100000, 'counted in Redis')
  const healthy = await breaker(liveUrl, 'rate-limit-store')
  assert.equal(healthy?.state, 'closed')
  assert.ok((healthy?.successes ?? 0) >= 1)

  const away = testProcess(t, {
    ...(await env()),
    REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    BAKERY_COFFEE_RATE_LIMIT: '100000',
  })
  const [down] = await away.start(createCoffeeReception(away.deps('coffee-reception')))
  const base = down?.url() as string
  const orders: Awaited<ReturnType<typeof order>>[] = []
  for (let i = 0; i < 6; i++) orders.push(await order(base))
  assert.deepEqual(
    orders.map((o) => o.status),
    [201, 201, 201, 201, 201, 201],
    'the limit fails open: no order refused',
  )
  assert.equal((await breaker(base, 'rate-limit-store'))?.state, 'open')
  assert.equal(await stateMetric(base, 'rate-limit-store'), 1)
  assert.equal((await breaker(base, 'payments'))?.name, 'payments', 'its other breakers are listed too')
})
