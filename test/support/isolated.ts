// Private names on the shared servers, so a test's queues and tables meet no other test's: the
// orders queue (and the journey queues derived from it) and the orders schema get unique names,
// and are deleted after the test.
import { randomUUID } from 'node:crypto'
import type { TestContext } from 'node:test'
import { connect } from 'amqplib'
import pg from 'pg'
import { defer } from './cleanup.ts'

export function isolatedNames(): { queue: string; schema: string } {
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  return { queue: `test.orders-${id}`, schema: `t_journey_${id}` }
}

/** Deletes the orders queue, the journey queues and their dead-letter queues after the test. */
export function dropQueuesLater(t: TestContext, amqpUrl: string, queue: string): void {
  defer(t, async () => {
    const conn = await connect(amqpUrl)
    try {
      const channel = await conn.createChannel()
      for (const name of [queue, `${queue}.enriched`, `${queue}.baked`]) {
        await channel.deleteQueue(name)
        await channel.deleteQueue(`${name}.dead`)
      }
    } finally {
      await conn.close()
    }
  })
}

/** Drops the schema after the test. */
export function dropSchemaLater(t: TestContext, databaseUrl: string, schema: string): void {
  defer(t, async () => {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    } finally {
      await client.end()
    }
  })
}
