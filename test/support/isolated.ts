// Private corners of the shared real servers: a fresh PostgreSQL database and a fresh RabbitMQ
// virtual host per test, so fixed names (schema `coffee`, exchange `orders`) never meet another
// test's. Both are removed in t.after.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { promisify } from 'node:util'
import { connect } from 'amqplib'
import pg from 'pg'
import { defer } from './defer.ts'

const run = promisify(execFile)

export async function isolatedDatabase(t: TestContext, serverUrl: string): Promise<string> {
  const name = `bakery_${randomUUID().replaceAll('-', '').slice(0, 16)}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  defer(t, async () => {
    const client = new pg.Client({ connectionString: serverUrl })
    await client.connect()
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined)
    await client.end()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.href
}

/** Needs rabbitmqctl on this machine (CI provisions RabbitMQ with it). */
export async function isolatedVhost(t: TestContext, serverUrl: string): Promise<string> {
  const vhost = `bakery-${randomUUID().slice(0, 8)}`
  await run('rabbitmqctl', ['add_vhost', vhost], { timeout: 30_000 })
  const user = decodeURIComponent(new URL(serverUrl).username || 'guest')
  await run('rabbitmqctl', ['set_permissions', '-p', vhost, user, '.*', '.*', '.*'], { timeout: 30_000 })
  defer(t, async () => {
    await run('rabbitmqctl', ['delete_vhost', vhost], { timeout: 60_000 }).catch(() => undefined)
  })
  const url = new URL(serverUrl)
  url.pathname = `/${encodeURIComponent(vhost)}`
  return url.href
}

/** Unique orders queue and schema names (the journey queues derive from the queue name). */
export function isolatedNames(): { queue: string; schema: string } {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  return { queue: `test.orders-${id}`, schema: `t_journey_${id}` }
}

/** Deletes the orders queue, the journey queues and their dead-letter queues after the test. */
export function dropQueuesLater(t: TestContext, amqpUrl: string, queue: string): void {
  defer(t, async () => {
    const conn = await connect(amqpUrl).catch(() => undefined)
    if (!conn) return
    try {
      const channel = await conn.createChannel()
      for (const name of [queue, `${queue}.enrichment`, `${queue}.baked`]) {
        await channel.deleteQueue(name)
        await channel.deleteQueue(`${name}.dead`)
      }
      await channel.deleteExchange(`${queue}.flow`)
      await channel.deleteExchange(`${queue}.flow.unrouted`)
    } catch {
      // Best effort: the broker may be away (a drill); the queues are uniquely named.
    } finally {
      await conn.close().catch(() => undefined)
    }
  })
}

/** Drops the schema after the test. */
export function dropSchemaLater(t: TestContext, databaseUrl: string, schema: string): void {
  defer(t, async () => {
    const client = new pg.Client({ connectionString: databaseUrl })
    try {
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    } catch {
      // Best effort, as above.
    } finally {
      await client.end().catch(() => undefined)
    }
  })
}
