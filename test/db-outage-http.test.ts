// A database outage is never a 500. Every HTTP service that reads the database, started
// against a loopback stand-in for PostgreSQL, answers its read routes with 503 + Retry-After and
// reports not ready while the port is closed or the server refuses clients; then recovers.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { openDatabase } from '../src/platform/db/index.ts'
import type { HttpService } from '../src/platform/http/index.ts'
import { createLogger } from '../src/platform/log/index.ts'
import { eventually } from './support/bakery.ts'
import { createPgOutage, type PgOutageMode } from './support/pg-outage.ts'
import { requireServer } from './support/servers.ts'
import { startServices } from './support/services.ts'

interface ReadRoute {
  service: string
  path: string
  /** Album services answer in the seed's body `{errors, message}`, without our `code`. */
  seedBody?: boolean
}

const routes: readonly ReadRoute[] = [
  { service: 'reception', path: '/orders/0123456789abcdef0123456789abcdef' },
  { service: 'reception', path: '/orders?limit=2' },
  { service: 'coffee-reception', path: `/orders/${randomUUID()}` },
  { service: 'album-store', path: '/albums?limit=2', seedBody: true },
  { service: 'aggregator', path: '/api' },
]

const outages: { name: string; mode: PgOutageMode | 'closed' }[] = [
  { name: 'port closed (ECONNREFUSED)', mode: 'closed' },
  {
    name: 'too many clients (53300)',
    mode: { kind: 'refuse', sqlstate: '53300', message: 'sorry, too many clients already' },
  },
  {
    name: 'cannot connect now (57P03)',
    mode: { kind: 'refuse', sqlstate: '57P03', message: 'the database system is starting up' },
  },
]

test('services answer 503 with Retry-After, never 500, and are not ready while PostgreSQL is unreachable', async (t) => {
  const realUrl = await requireServer(t, 'postgres')
  if (!realUrl) return
  const outage = await createPgOutage(t, realUrl)
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const schemas = [`t_bakery_${id}`, `t_stream_${id}`]
  t.after(async () => {
    const db = await openDatabase(new URL(realUrl), {
      poolSize: 1,
      log: createLogger({ level: 'silent', format: 'json' }),
    })
    for (const schema of schemas) await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await db.close()
  })
  const started = await startServices(t, [...new Set(routes.map((r) => r.service))], {
    HOST: '127.0.0.1',
    DATABASE_URL: outage.url,
    DATABASE_POOL_SIZE: '2',
    BAKERY_ORDERS_SCHEMA: schemas[0] as string,
    BAKERY_ORDERS_QUEUE: `test.orders-${id}`,
    BAKERY_STREAM_SCHEMA: schemas[1] as string,
    BAKERY_ORDER_JOURNEY: 'false',
    BAKERY_MAX_EVENT_LOOP_DELAY_MS: '0',
    BAKERY_ALBUM_MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  const urlOf = (name: string) => (started.services.get(name) as HttpService).url()
  const get = async (service: string, path: string) => {
    const response = await fetch(`${urlOf(service)}${path}`)
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: await response.json(),
    }
  }

  const healthy = async () => {
    for (const route of routes) {
      const answer = await get(route.service, route.path)
      assert.ok(answer.status < 500, `${route.service} ${route.path} → ${answer.status}`)
    }
    for (const service of new Set(routes.map((r) => r.service))) {
      assert.equal((await get(service, '/readyz')).status, 200, `${service} ready`)
    }
  }
  await healthy()

  for (const { name, mode } of outages) {
    if (mode === 'closed') await outage.close()
    else await outage.serve(mode)
    for (const route of routes) {
      const answer = await get(route.service, route.path)
      const where = `${name}: ${route.service} ${route.path} → ${answer.status} ${JSON.stringify(answer.body)}`
      assert.equal(answer.status, 503, where)
      assert.match(answer.retryAfter ?? '', /^[1-9]\d*$/, `${where} has Retry-After`)
      if (!route.seedBody) assert.equal(answer.body.code, 'BKR_DB_UNAVAILABLE', where)
      assert.doesNotMatch(JSON.stringify(answer.body), /127\.0\.0\.1|ECONNREFUSED|53300|57P03/, where)
    }
    for (const service of new Set(routes.map((r) => r.service))) {
      const ready = await get(service, '/readyz')
      assert.equal(ready.status, 503, `${name}: ${service} not ready`)
      assert.equal(ready.body.ready, false)
    }
  }

  await outage.serve({ kind: 'forward' })
  // The pools reconnect on the next request: back to normal answers without a restart.
  await eventually(
    () =>
      healthy().then(
        () => true,
        () => false,
      ),
    10_000,
    'services recovered',
  ).catch(() => undefined)
  await healthy()
})
