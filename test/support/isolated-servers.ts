// Per-test isolation on the shared PostgreSQL and RabbitMQ for tests that start separate bakery
// processes: a fresh orders schema and queue name (BAKERY_ORDERS_SCHEMA, BAKERY_ORDERS_QUEUE),
// both removed by `cleanup` (call it after the processes using them stopped: DROP SCHEMA waits
// for their locks).
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { connect } from 'amqplib'
import pg from 'pg'
import { type StartedCli, startCli } from './cli.ts'
import { stopProcess } from './processes.ts'

export function isolatedOrders(
  amqpUrl: string,
  postgresUrl: string,
): { env: Record<string, string>; cleanup: () => Promise<void> } {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const schema = `t_deploy_${id}`
  const queue = `test.deploy-orders-${id}`
  const cleanup = async () => {
    const db = new pg.Client({ connectionString: postgresUrl })
    await db.connect()
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await db.end()
    const connection = await connect(amqpUrl)
    const channel = await connection.createChannel()
    await channel.deleteQueue(queue)
    await channel.deleteQueue(`${queue}.dead`)
    await connection.close()
  }
  const env = {
    DATABASE_URL: postgresUrl,
    AMQP_URL: amqpUrl,
    BAKERY_ORDERS_SCHEMA: schema,
    BAKERY_ORDERS_QUEUE: queue,
  }
  return { env, cleanup }
}

export interface SplitOrders {
  reception: StartedCli
  baker: StartedCli
  /** Where each listens: the reception's API, the baker's probes and /metrics. */
  urls: { reception: string; baker: string }
}

/**
 * The bare orders flow as deployed: `bakery reception` and `bakery baker` as two processes on an
 * isolated schema and queue of the real servers; stopped, then cleaned up, after the test.
 */
export async function startSplitOrders(
  t: TestContext,
  amqpUrl: string,
  postgresUrl: string,
  env: Record<string, string> = {},
): Promise<SplitOrders> {
  const isolated = isolatedOrders(amqpUrl, postgresUrl)
  const processEnv = {
    HOST: '127.0.0.1',
    PORT: '0',
    ...isolated.env,
    BAKE_TIME_SCALE: '0',
    BAKER_MISTAKE_RATE: '0',
    // The bare orders flow (reception → queue → baker); the journey's hops are tested in test/tracking.
    BAKERY_ORDER_JOURNEY: 'false',
    // The shared PostgreSQL serves every test of the machine; two small pools are plenty here.
    DATABASE_POOL_SIZE: '3',
    ...env,
  }
  const baker = startCli(['baker'], ['baker'], processEnv)
  const reception = startCli(['reception'], ['reception'], processEnv)
  t.after(async () => {
    await Promise.all([stopProcess(reception.child), stopProcess(baker.child)])
    await isolated.cleanup()
  })
  const [receptionUrls, bakerUrls] = await Promise.all([reception.urls, baker.urls])
  return {
    reception,
    baker,
    urls: { reception: String(receptionUrls.reception), baker: String(bakerUrls.baker) },
  }
}
