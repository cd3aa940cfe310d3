// The bare order pipeline every ratio is measured against: what a competent engineer writes with
// no logging, metrics or tracing. Same shape as the published reference, so `npm run bench`
// reproduces the headline ratios from a clone:
//   POST /orders      → INSERT (pending) → persistent publish, wait for the broker's confirm → 202
//   GET  /orders/:key → SELECT → 200 | 404
//   consumer (prefetch 100): UPDATE baking → [--bake-ms] → UPDATE finished → ack
// Three departures from the textbook, each measured by the reference's authors: Nagle off on the
// AMQP socket (acks on the same socket otherwise stall confirms ~40 ms), named statements, pool 40.
// It drops and recreates its table and purges its queue at start: run one instance at a time.
//   node bench/reference-pipeline.ts [--port 8100] [--bake-ms 0] [--pg-pool 40] [--prefetch 100]
// Env: PGHOST (127.0.0.1), PGUSER (postgres), PGDATABASE (bench, created if missing), PGPORT,
//      PGPASSWORD, AMQP_URL (amqp://guest:guest@127.0.0.1:5672), REF_TABLE / REF_QUEUE (ref_orders).
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import amqp from 'amqplib'
import Fastify from 'fastify'
import pg from 'pg'

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string', default: '8100' },
    host: { type: 'string', default: '127.0.0.1' },
    'bake-ms': { type: 'string', default: '0' },
    'pg-pool': { type: 'string', default: '40' },
    prefetch: { type: 'string', default: '100' },
    nagle: { type: 'boolean', default: false },
  },
})
const table = process.env.REF_TABLE ?? 'ref_orders'
const queue = process.env.REF_QUEUE ?? 'ref_orders'
const bakeMs = Number(opt['bake-ms'])
let closing = false

const dbConfig = {
  host: process.env.PGHOST ?? '127.0.0.1',
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'bench',
}

async function ensureDatabase(): Promise<void> {
  const probe = new pg.Client(dbConfig)
  try {
    await probe.connect()
    await probe.end()
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err // 3D000: no such database
    const admin = new pg.Client({ ...dbConfig, database: 'postgres' })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${dbConfig.database.replaceAll('"', '""')}"`)
    await admin.end()
  }
}

await ensureDatabase()
const db = new pg.Pool({ ...dbConfig, max: Number(opt['pg-pool']) })
await db.query(`DROP TABLE IF EXISTS ${table}`)
await db.query(`CREATE TABLE ${table} (
  order_key     text PRIMARY KEY,
  customer      text NOT NULL,
  pastry        text NOT NULL,
  order_time    timestamptz NOT NULL,
  status        text NOT NULL,
  finished_time timestamptz)`)

const conn = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672', {
  noDelay: !opt.nagle,
})
conn.on('error', (err: unknown) => {
  process.stderr.write(`amqp connection error: ${String(err)}\n`)
  process.exit(1)
})
conn.on('close', () => {
  if (closing) return
  process.stderr.write('amqp connection closed\n')
  process.exit(1)
})
const publisher = await conn.createConfirmChannel()
await publisher.assertQueue(queue, { durable: true })
await publisher.purgeQueue(queue)
const publish = (message: object) =>
  new Promise<void>((resolve, reject) => {
    publisher.sendToQueue(
      queue,
      Buffer.from(JSON.stringify(message)),
      { persistent: true, contentType: 'application/json' },
      (err) => (err ? reject(err) : resolve()),
    )
  })

const consumer = await conn.createChannel()
await consumer.prefetch(Number(opt.prefetch))
await consumer.consume(queue, async (msg) => {
  if (msg === null) return // cancelled by the broker
  let orderKey: string
  try {
    orderKey = (JSON.parse(msg.content.toString()) as { orderKey: string }).orderKey
  } catch {
    consumer.nack(msg, false, false)
    return
  }
  try {
    await db.query({
      name: 'bake',
      text: `UPDATE ${table} SET status = 'baking' WHERE order_key = $1`,
      values: [orderKey],
    })
    if (bakeMs > 0) await sleep(bakeMs)
    await db.query({
      name: 'finish',
      text: `UPDATE ${table} SET status = 'finished', finished_time = $2 WHERE order_key = $1`,
      values: [orderKey, new Date()],
    })
    consumer.ack(msg)
  } catch {
    consumer.nack(msg, false, true)
  }
})

const app = Fastify({ logger: false })
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200

app.get('/', async () => ({ message: 'reception is attended' }))

app.post('/orders', async (req, reply) => {
  const { customer, pastry } = (req.body ?? {}) as { customer?: unknown; pastry?: unknown }
  if (!isText(customer) || !isText(pastry)) {
    return reply
      .code(400)
      .send({ error: 'customer and pastry must be non-empty strings of at most 200 characters' })
  }
  const orderKey = randomBytes(16).toString('hex')
  await db.query({
    name: 'insert',
    text: `INSERT INTO ${table} (order_key, customer, pastry, order_time, status) VALUES ($1, $2, $3, $4, $5)`,
    values: [orderKey, customer, pastry, new Date(), 'pending'],
  })
  await publish({ orderKey, timeEnqueued: new Date().toISOString() })
  return reply.code(202).send({ orderKey })
})

app.get<{ Params: { key: string } }>('/orders/:key', async (req, reply) => {
  const { rows } = await db.query({
    name: 'select',
    text: `SELECT customer, pastry, order_time, status, finished_time FROM ${table} WHERE order_key = $1`,
    values: [req.params.key],
  })
  const row = rows[0]
  if (!row) return reply.code(404).send({ error: 'unknown order' })
  // finishedTime is outside the API contract: the load driver reads it for server-side e2e time.
  return {
    pastry: row.pastry,
    customer: row.customer,
    orderTime: row.order_time,
    status: row.status,
    finishedTime: row.finished_time,
  }
})

async function shutdown(): Promise<void> {
  if (closing) return
  closing = true
  await app.close()
  await conn.close().catch(() => {})
  await db.end()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())

await app.listen({ port: Number(opt.port), host: opt.host })
process.stdout.write(
  `reference pipeline listening on http://${opt.host}:${opt.port} (pid ${process.pid}, bake ${bakeMs} ms)\n`,
)
