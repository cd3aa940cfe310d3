// bakery load against the real order pipeline (reception + baker), embedded and on real servers.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import amqp from 'amqplib'
import pg from 'pg'
import { type LoadSummary, startLoad } from '../src/load/index.ts'
import { startCli } from './support/cli.ts'
import { requireServer } from './support/servers.ts'

async function startPipeline(t: TestContext, env: Record<string, string>): Promise<string> {
  const cli = startCli(['start', 'reception', 'baker'], ['reception'], {
    HOST: '127.0.0.1',
    BAKERY_RECEPTION_PORT: '0',
    BAKERY_WORKER_PORT: '0',
    BAKE_TIME_SCALE: '0',
    // reception + baker alone: the tracking journey (on by default) would route orders via its hops
    BAKERY_ORDER_JOURNEY: 'false',
    LOG_LEVEL: 'info',
    ...env,
  })
  t.after(() => cli.child.kill('SIGKILL'))
  const url = (await cli.urls).reception as string
  for (let i = 0; i < 600 && (await fetch(`${url}/readyz`)).status !== 200; i++) await sleep(100)
  return url
}

function assertEveryOrderFinished(s: LoadSummary) {
  assert.ok(s.accepted > 0, JSON.stringify(s.errors))
  assert.deepEqual(s.errors, {})
  assert.ok(s.completion)
  assert.equal(s.completion.tracked, s.accepted + s.warmupAccepted)
  assert.equal(s.completion.finished, s.completion.tracked)
  assert.equal(s.completion.lost, 0)
  assert.equal(s.completion.wrongBody, 0)
  // the reception's GET carries finishedTime, so end-to-end latency comes from the server's clock
  assert.equal(s.completion.e2eServerMs?.count, s.completion.finished)
  assert.equal(s.ok, true)
}

test('bakery load follows every order to finished when run against the embedded pipeline', async (t) => {
  const url = await startPipeline(t, { DATABASE_URL: 'memory://', AMQP_URL: 'memory://' })
  assertEveryOrderFinished(await startLoad({ url, vus: 8, durationMs: 1500, warmupMs: 300 }).done)
})

test('bakery load follows every order to finished when run against real PostgreSQL and RabbitMQ', async (t) => {
  const database = await requireServer(t, 'postgres')
  const broker = await requireServer(t, 'amqp')
  if (!database || !broker) return
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const schema = `t_load_${id}`
  const queue = `t-load-${id}`
  t.after(async () => {
    const db = new pg.Client({ connectionString: database })
    await db.connect()
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await db.end()
    const conn = await amqp.connect(broker)
    const channel = await conn.createChannel()
    for (const name of [queue, `${queue}.dead`]) await channel.deleteQueue(name).catch(() => {})
    await conn.close()
  })
  const url = await startPipeline(t, {
    DATABASE_URL: database,
    AMQP_URL: broker,
    BAKERY_ORDERS_SCHEMA: schema,
    BAKERY_ORDERS_QUEUE: queue,
  })
  assertEveryOrderFinished(await startLoad({ url, rate: 200, durationMs: 1500 }).done)
})
