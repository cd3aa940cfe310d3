// The bakery reception's breakers: `database` on its reads (GET /orders/:key, GET /orders) and
// `tracking-store` on its Redis calls (accepted hop, journey). Each works on the real server,
// opens when its server is away (a closed loopback port), answers 503 + Retry-After instead of
// 500 or a hang, shows in GET /admin/breakers and in bakery.circuit_breaker.state, and closes
// again when the server is back.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { createReception } from '../../src/bakery/reception/index.ts'
import type { WiredDeps } from '../../src/config.ts'
import { receptionHooks } from '../../src/tracking/hooks.ts'
import { breakerOf, breakerStateMetric } from '../support/breakers.ts'
import { defer } from '../support/defer.ts'
import { closedPort, switchableDatabase } from '../support/outage.ts'
import { redisClient, uniquePrefix } from '../support/redis.ts'
import { requireServer } from '../support/servers.ts'
import { testProcess } from '../support/service-deps.ts'

const TOKEN = 'bakery-breakers-token'
const breaker = (base: string, name: string) => breakerOf(base, name, TOKEN)
const stateMetric = breakerStateMetric
const KEY = /^[0-9a-f]{32}$/

async function post(base: string) {
  const started = Date.now()
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'ann', pastry: 'croissant' }),
  })
  const body = (await response.json()) as { orderKey?: string }
  return { status: response.status, key: body.orderKey ?? '', ms: Date.now() - started }
}

test('reception database breaker opens while PostgreSQL is down: reads answer 503 + Retry-After, not 500', async (t) => {
  const pg = await requireServer(t, 'postgres')
  if (!pg) return
  const schema = `t_breakers_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  const proc = testProcess(t, {
    DATABASE_URL: pg,
    DATABASE_POOL_SIZE: '2',
    BAKERY_ORDERS_SCHEMA: schema,
    BAKERY_ORDER_JOURNEY: 'false',
    BAKERY_ADMIN_TOKEN: TOKEN,
  })
  defer(t, async () => (await proc.infra.database()).exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`))
  const db = switchableDatabase(t, proc.infra)
  const [reception] = await proc.start(createReception({ ...proc.deps('reception'), infra: db.infra }))
  const base = reception?.url() as string

  const { status, key } = await post(base)
  assert.equal(status, 202)
  assert.match(key, KEY)
  assert.equal((await fetch(`${base}/orders/${key}`)).status, 200)
  assert.equal((await breaker(base, 'database'))?.state, 'closed')
  assert.equal(await stateMetric(base, 'database'), 0)

  await db.down()
  const answers: number[] = []
  for (let i = 0; i < 10 && (await breaker(base, 'database'))?.state !== 'open'; i++) {
    const read = await fetch(`${base}/orders/${key}`)
    answers.push(read.status)
    assert.ok(read.headers.get('retry-after'), 'every 503 says when to come back')
    assert.equal(((await read.json()) as { code: string }).code, 'BKR_DB_UNAVAILABLE')
  }
  assert.ok(answers.length > 0 && answers.every((s) => s === 503), `answers while down: ${answers}`)
  assert.equal((await breaker(base, 'database'))?.state, 'open')
  assert.equal(await stateMetric(base, 'database'), 1)
  const failuresWhenOpen = (await breaker(base, 'database'))?.failures
  const fast = await fetch(`${base}/orders?limit=5`)
  assert.equal(fast.status, 503)
  assert.equal(Number(fast.headers.get('retry-after')) >= 1, true)
  assert.equal((await breaker(base, 'database'))?.failures, failuresWhenOpen, 'an open breaker does not try')

  db.up()
  let back = 0
  for (let i = 0; i < 60 && back !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    back = (await fetch(`${base}/orders/${key}`)).status
  }
  assert.equal(back, 200, 'the trial read after half-open succeeds')
  assert.equal((await breaker(base, 'database'))?.state, 'closed')
})

test('reception tracking-store breaker: the journey works on real Redis, and fails fast while Redis is away', async (t) => {
  const redis = await requireServer(t, 'redis')
  if (!redis) return
  const prefix = uniquePrefix()
  redisClient(t, redis, prefix)
  // The journey on: only then does the reception record the accepted hop in the tracking store.
  const env = { BAKERY_ORDER_JOURNEY: 'true', BAKERY_ADMIN_TOKEN: TOKEN, BAKERY_TRACKING_PREFIX: prefix }
  const up = testProcess(t, { ...env, REDIS_URL: redis })
  const [live] = await up.start(withJourney(up.deps('reception')))
  const liveUrl = live?.url() as string
  const order = await post(liveUrl)
  assert.equal(order.status, 202)
  assert.equal((await fetch(`${liveUrl}/orders/${order.key}/journey`)).status, 200)
  assert.deepEqual(
    [(await breaker(liveUrl, 'tracking-store'))?.state, (await breaker(liveUrl, 'tracking-store'))?.failures],
    ['closed', 0],
  )

  const away = testProcess(t, {
    ...env,
    REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    BAKERY_TRACKING_TIMEOUT_MS: '200',
  })
  const [reception] = await away.start(withJourney(away.deps('reception')))
  const base = reception?.url() as string
  // Orders are still taken: each waits for the accepted hop at most the timeout, then not at all.
  const orders = await Promise.all(Array.from({ length: 5 }, () => post(base)))
  assert.deepEqual(
    orders.map((o) => o.status),
    [202, 202, 202, 202, 202],
  )
  assert.equal((await breaker(base, 'tracking-store'))?.state, 'open')
  assert.equal(await stateMetric(base, 'tracking-store'), 1)
  const quick = await post(base)
  assert.equal(quick.status, 202)
  assert.ok(quick.ms < 1000, `an open breaker answers at once (${quick.ms} ms)`)
  const journey = await fetch(`${base}/orders/${quick.key}/journey`)
  assert.equal(journey.status, 503)
  assert.ok(Number(journey.headers.get('retry-after')) >= 1)
  assert.equal(((await journey.json()) as { code: string }).code, 'BKR_DEPENDENCY_CIRCUIT_OPEN')
})

/** The reception with the journey's hooks, as services.ts wires it. */
function withJourney(deps: WiredDeps) {
  return createReception(deps, receptionHooks(deps))
}
