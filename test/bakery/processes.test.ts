// The bakery as a user runs it: `bakery start` embedded, and reception and baker as separate
// processes on the real servers.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { test } from 'node:test'
import { connect } from 'amqplib'
import pg from 'pg'
import { eventually, getOrder, postOrder } from '../support/bakery.ts'
import { startCli } from '../support/cli.ts'
import { requireServer } from '../support/servers.ts'

test('bakery start (embedded) serves the seed API and bakes orders, then stops cleanly', async (t) => {
  const cli = startCli(['start', 'reception', 'baker'], ['reception'], {
    BAKERY_ORDER_JOURNEY: 'false', // the bare orders flow; test/tracking covers the journey
    BAKERY_RECEPTION_PORT: '0',
    BAKERY_WORKER_PORT: '0',
    HOST: '127.0.0.1',
    BAKE_TIME_SCALE: '0.1',
  })
  t.after(() => cli.child.kill('SIGKILL'))
  const { reception } = await cli.urls
  const posted = await postOrder(String(reception), { customer: 'homer', pastry: 'la bombe' })
  assert.equal(posted.status, 202)
  await eventually(
    async () => (await getOrder(String(reception), String(posted.body.orderKey))).body.status === 'finished',
  )
  cli.child.kill('SIGTERM')
  const [code] = await once(cli.child, 'exit')
  assert.equal(code, 0)
})

test('reception and two bakers run as separate processes on PostgreSQL and RabbitMQ', async (t) => {
  const database = await requireServer(t, 'postgres')
  const amqp = database && (await requireServer(t, 'amqp'))
  if (!database || !amqp) return
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const env = {
    DATABASE_URL: database,
    AMQP_URL: amqp,
    BAKERY_ORDERS_SCHEMA: `t_proc_${id}`,
    BAKERY_ORDERS_QUEUE: `test.proc-${id}`,
    BAKE_TIME_SCALE: '0',
    BAKERY_ORDER_JOURNEY: 'false', // the bare orders flow; test/tracking covers the journey
    HOST: '127.0.0.1',
    PORT: '0',
  }
  const reception = startCli(['reception'], ['reception'], env)
  const bakers = [startCli(['baker'], ['baker'], env), startCli(['baker'], ['baker'], env)]
  t.after(async () => {
    for (const cli of [reception, ...bakers]) cli.child.kill('SIGKILL')
    const client = new pg.Client({ connectionString: database })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${env.BAKERY_ORDERS_SCHEMA} CASCADE`)
    await client.end()
    const conn = await connect(amqp)
    const channel = await conn.createChannel()
    await channel.deleteQueue(env.BAKERY_ORDERS_QUEUE)
    await channel.deleteQueue(`${env.BAKERY_ORDERS_QUEUE}.dead`)
    await conn.close()
  })
  const url = String((await reception.urls).reception)
  const bakerUrls = await Promise.all(bakers.map(async (b) => String((await b.urls).baker)))
  for (const bakerUrl of bakerUrls) {
    assert.equal((await fetch(`${bakerUrl}/readyz`)).status, 200)
  }
  const keys = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const posted = await postOrder(url, { customer: `p${i}`, pastry: 'escargot' })
      assert.equal(posted.status, 202)
      return String(posted.body.orderKey)
    }),
  )
  for (const key of keys) {
    await eventually(async () => (await getOrder(url, key)).body.status === 'finished')
  }
  for (const cli of [reception, ...bakers]) cli.child.kill('SIGTERM')
  const codes = await Promise.all(
    [reception, ...bakers].map(async (cli) => (await once(cli.child, 'exit'))[0]),
  )
  assert.deepEqual(codes, [0, 0, 0])
})
