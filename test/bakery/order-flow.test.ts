// The order flow's topology: the reception and the baker alone finish orders with the default
// settings, and the journey's hops, started later in another process, put themselves on the path
// without the reception or the baker being reconfigured or restarted.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { type TestContext, test } from 'node:test'
import type { JourneyView } from '../../src/tracking/journey.ts'
import { eventually, getOrder, postOrder } from '../support/bakery.ts'
import { type StartedCli, startCli } from '../support/cli.ts'
import { dropQueuesLater, dropSchemaLater, isolatedNames } from '../support/isolated.ts'
import { redisClient, uniquePrefix } from '../support/redis.ts'
import { requireServer } from '../support/servers.ts'

async function stop(cli: StartedCli): Promise<number | null> {
  if (cli.child.exitCode !== null) return cli.child.exitCode
  cli.child.kill('SIGTERM')
  const [code] = await once(cli.child, 'exit')
  return code as number | null
}

function stopLater(t: TestContext, cli: StartedCli): void {
  t.after(() => stop(cli))
}

test('bakery start reception baker finishes orders with the default settings', async (t) => {
  // Nothing set but the ports: the journey is on by default, and no hop is running.
  const cli = startCli(['start', 'reception', 'baker'], ['reception'], {
    BAKERY_RECEPTION_PORT: '0',
    HOST: '127.0.0.1',
  })
  stopLater(t, cli)
  const url = String((await cli.urls).reception)
  const posted = await postOrder(url, { customer: 'homer', pastry: 'profiterole' })
  assert.equal(posted.status, 202)
  const key = String(posted.body.orderKey)
  await eventually(async () => (await getOrder(url, key)).body.status === 'finished')
  assert.equal(await stop(cli), 0)
})

test('journey hops started in another process join the path of a running reception and baker', async (t) => {
  const redis = await requireServer(t, 'redis')
  const amqp = redis && (await requireServer(t, 'amqp'))
  const postgres = amqp && (await requireServer(t, 'postgres'))
  if (!redis || !amqp || !postgres) return
  const prefix = uniquePrefix()
  redisClient(t, redis, prefix)
  const { queue, schema } = isolatedNames()
  dropQueuesLater(t, amqp, queue)
  dropSchemaLater(t, postgres, schema)
  const env = {
    REDIS_URL: redis,
    AMQP_URL: amqp,
    DATABASE_URL: postgres,
    BAKERY_ORDERS_QUEUE: queue,
    BAKERY_ORDERS_SCHEMA: schema,
    BAKERY_TRACKING_PREFIX: prefix,
    BAKE_TIME_SCALE: '0.1',
    HOST: '127.0.0.1',
    BAKERY_RECEPTION_PORT: '0',
    BAKERY_WORKER_PORT: '0',
  }
  const bakery = startCli(['start', 'reception', 'baker'], ['reception'], env)
  stopLater(t, bakery)
  const url = String((await bakery.urls).reception)

  // No hop yet: the order goes straight to the baker, and its journey stops after acceptance.
  const direct = await postOrder(url, { customer: 'lisa', pastry: 'escargot' })
  assert.equal(direct.status, 202)
  const directKey = String(direct.body.orderKey)
  await eventually(async () => (await getOrder(url, directKey)).body.status === 'finished')
  const before = (await (await fetch(`${url}/orders/${directKey}/journey`)).json()) as JourneyView
  assert.deepEqual(
    before.hops.map((h) => h.state),
    ['done', 'pending', 'pending', 'pending'],
  )

  // The hops in a second process; the first is left as it is.
  const hops = startCli(['start', 'enrichment', 'response-builder'], [], env)
  stopLater(t, hops)
  await eventually(
    async () =>
      hops.lines.some((l) => l.msg === 'hop consuming' && l.service === 'response-builder') &&
      hops.lines.some((l) => l.msg === 'hop consuming' && l.service === 'enrichment'),
  )
  const posted = await postOrder(url, { customer: 'lisa', pastry: 'escargot' }, { prefer: 'wait=20' })
  assert.equal(posted.status, 200, JSON.stringify(posted.body))
  assert.equal(posted.body.status, 'finished')
  assert.equal(posted.body.customer, 'lisa')
  const journey = posted.body.journey as JourneyView
  assert.deepEqual(
    journey.hops.map((h) => [h.hop, h.state]),
    [
      ['accepted', 'done'],
      ['enriched', 'done'],
      ['baked', 'done'],
      ['boxed', 'done'],
    ],
  )
  assert.match(String(journey.hops[1]?.worker), /^enrichment@/)
  assert.deepEqual((posted.body.enrichment as { customerOrders: number }).customerOrders, 1)
  assert.deepEqual(await Promise.all([stop(hops), stop(bakery)]), [0, 0])
})
