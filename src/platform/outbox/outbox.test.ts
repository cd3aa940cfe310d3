// The outbox on both engines: PGlite with the in-process queue, PostgreSQL with RabbitMQ.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, type TestContext, test } from 'node:test'
import { connect } from 'amqplib'
import { requireServer } from '../../../test/support/servers.ts'
import { type Database, migrate, openDatabase } from '../db/index.ts'
import { createLogger } from '../log/index.ts'
import { type Delivery, openQueue, type Queue } from '../queue/index.ts'
import { outboxMigration } from './migration.ts'
import { createOutbox, type OutboxOptions } from './outbox.ts'

const log = createLogger({ service: 'test', level: 'silent', format: 'json' })

interface Setup {
  db: Database
  queue: Queue
  schema: string
  queueName: string
}

const setups: { name: string; open(t: TestContext): Promise<Setup | undefined> }[] = [
  {
    name: 'pglite + memory',
    async open(t) {
      const db = await openDatabase(new URL('memory://'), { poolSize: 1, log })
      const queue = await openQueue(new URL('memory://'), { log })
      t.after(async () => {
        await queue.close()
        await db.close()
      })
      return prepare(db, queue)
    },
  },
  {
    name: 'postgres + rabbitmq',
    async open(t) {
      const pgUrl = await requireServer(t, 'postgres')
      const amqpUrl = pgUrl && (await requireServer(t, 'amqp'))
      if (!pgUrl || !amqpUrl) return undefined
      const db = await openDatabase(new URL(pgUrl), { poolSize: 4, log })
      const queue = await openQueue(new URL(amqpUrl), { log })
      const setup = await prepare(db, queue)
      t.after(async () => {
        await queue.close()
        await db.exec(`DROP SCHEMA ${setup.schema} CASCADE`)
        await db.close()
        const conn = await connect(amqpUrl)
        const channel = await conn.createChannel()
        await channel.deleteQueue(setup.queueName)
        await channel.deleteQueue(`${setup.queueName}.dead`)
        await conn.close()
      })
      return setup
    },
  },
]

async function prepare(db: Database, queue: Queue): Promise<Setup> {
  const schema = `t_outbox_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  await migrate(db, schema, [
    { version: 1, name: 'things', sql: 'CREATE TABLE things (id text PRIMARY KEY)' },
    outboxMigration(2),
  ])
  const queueName = `test.outbox-${randomUUID()}`
  await queue.declare({ name: queueName })
  return { db, queue, schema, queueName }
}

function received(queue: Queue, name: string): Promise<Delivery[]> {
  const got: Delivery[] = []
  return queue
    .consume(
      name,
      async (d) => {
        got.push(d)
        await d.ack()
      },
      { prefetch: 50 },
    )
    .then(() => got)
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A queue whose publishes fail while `down` is true: a broker outage as the outbox sees it. */
function flakyQueue(inner: Queue): Queue & { down: boolean } {
  const flaky = {
    ...inner,
    down: false,
    publish: (...args: Parameters<Queue['publish']>) =>
      flaky.down ? Promise.reject(new Error('broker away')) : inner.publish(...args),
  }
  return flaky
}

for (const setup of setups) {
  describe(`outbox (${setup.name})`, () => {
    test('outbox publishes a committed message and deletes its row once confirmed', async (t) => {
      const s = await setup.open(t)
      if (!s) return
      const outbox = createOutbox({ db: s.db, schema: s.schema, queue: s.queue, log })
      const got = await received(s.queue, s.queueName)
      const entries = await s.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${s.schema}.things VALUES ($1)`, ['a'])
        return outbox.add(tx, [
          {
            routingKey: s.queueName,
            body: '{"n":1}',
            headers: { traceparent: 'x' },
            contentType: 'application/json',
          },
        ])
      })
      assert.equal(await outbox.dispatch(entries[0] as (typeof entries)[0]), true)
      await until(() => got.length === 1)
      assert.equal(got[0]?.body.toString(), '{"n":1}')
      assert.equal(got[0]?.headers.traceparent, 'x')
      assert.equal(got[0]?.messageId, entries[0]?.message.messageId)
      await until(async () => (await outbox.backlog()) === 0)
      await outbox.stop()
    })

    test('outbox stores nothing when the caller transaction rolls back', async (t) => {
      const s = await setup.open(t)
      if (!s) return
      const outbox = createOutbox({ db: s.db, schema: s.schema, queue: s.queue, log })
      await assert.rejects(
        s.db.transaction(async (tx) => {
          await outbox.add(tx, [{ routingKey: s.queueName, body: 'x' }])
          throw new Error('business rule failed')
        }),
        /business rule failed/,
      )
      assert.equal(await outbox.backlog(), 0)
    })

    test('outbox relay publishes what the fast path could not once the broker is back', async (t) => {
      const s = await setup.open(t)
      if (!s) return
      const queue = flakyQueue(s.queue)
      const published: string[] = []
      const options: OutboxOptions = {
        db: s.db,
        schema: s.schema,
        queue,
        log,
        onPublished: (path, count) => published.push(`${path}:${count}`),
      }
      const outbox = createOutbox(options)
      outbox.start()
      t.after(() => outbox.stop())
      const got = await received(s.queue, s.queueName)
      queue.down = true
      const entries = await s.db.transaction((tx) =>
        outbox.add(
          tx,
          [1, 2, 3].map((n) => ({ routingKey: s.queueName, body: String(n) })),
        ),
      )
      const fast = await Promise.all(entries.map((e) => outbox.dispatch(e)))
      assert.deepEqual(fast, [false, false, false])
      assert.equal(await outbox.backlog(), 3)
      queue.down = false
      await until(() => got.length === 3)
      assert.deepEqual(got.map((d) => d.body.toString()).sort(), ['1', '2', '3'])
      await until(async () => (await outbox.backlog()) === 0)
      assert.ok(published.some((p) => p.startsWith('relay:')))
    })

    test('outbox relay publishes rows left by a process that crashed before dispatching', async (t) => {
      const s = await setup.open(t)
      if (!s) return
      const crashed = createOutbox({ db: s.db, schema: s.schema, queue: s.queue, log })
      await s.db.transaction((tx) => crashed.add(tx, [{ routingKey: s.queueName, body: 'orphan' }]))
      const got = await received(s.queue, s.queueName)
      const successor = createOutbox({ db: s.db, schema: s.schema, queue: s.queue, log, graceMs: 0 })
      successor.start()
      t.after(() => successor.stop())
      await until(() => got.length === 1)
      assert.equal(got[0]?.body.toString(), 'orphan')
      await until(async () => (await successor.backlog()) === 0)
    })

    test('outbox relay re-publishes the oldest rows first when ids pass 9', async (t) => {
      const s = await setup.open(t)
      if (!s) return
      const crashed = createOutbox({ db: s.db, schema: s.schema, queue: s.queue, log })
      const bodies = Array.from({ length: 12 }, (_, i) => String(i + 1))
      await s.db.transaction((tx) =>
        crashed.add(
          tx,
          bodies.map((body) => ({ routingKey: s.queueName, body })),
        ),
      )
      const got = await received(s.queue, s.queueName)
      const successor = createOutbox({
        db: s.db,
        schema: s.schema,
        queue: s.queue,
        log,
        graceMs: 0,
        relayBatch: 5,
      })
      successor.start()
      t.after(() => successor.stop())
      await until(() => got.length === 12)
      assert.deepEqual(
        got.map((d) => d.body.toString()),
        bodies,
      )
    })
  })
}
