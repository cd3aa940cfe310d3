// Per-test isolation on the shared PostgreSQL and RabbitMQ for tests that start separate bakery
// processes: a fresh orders schema and queue name (BAKERY_ORDERS_SCHEMA, BAKERY_ORDERS_QUEUE),
// both removed by `cleanup` (call it after the processes using them stopped: DROP SCHEMA waits
// for their locks).
import { randomUUID } from 'node:crypto'
import { connect } from 'amqplib'
import pg from 'pg'

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
