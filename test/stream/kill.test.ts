// Crash drill on the real servers: consumers are SIGKILLed in the middle of a run (batches and
// transactions in flight) and started again; PostgreSQL and InfluxDB must end with every event
// exactly once. Only Bakery's own child process is killed, no shared server.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { openDatabase } from '../../src/platform/db/index.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { openStream } from '../../src/platform/stream/index.ts'
import { encodeEvent } from '../../src/stream/event.ts'
import { startCli } from '../support/cli.ts'
import { requireServer } from '../support/servers.ts'
import { until } from '../support/stream.ts'

const EVENTS = 6000

test('consumers killed mid-batch and restarted lose and double nothing', async (t: TestContext) => {
  const kafka = await requireServer(t, 'kafka')
  const postgres = kafka && (await requireServer(t, 'postgres'))
  const influx = postgres && (await requireServer(t, 'influx'))
  if (!kafka || !postgres || !influx) return
  const id = randomUUID().replaceAll('-', '').slice(0, 12)
  const env = {
    KAFKA_BROKERS: kafka,
    DATABASE_URL: postgres,
    INFLUX_URL: influx,
    KAFKA_TOPIC: `events-${id}`,
    BAKERY_STREAM_GROUP_PREFIX: `kill-${id}`,
    BAKERY_STREAM_SCHEMA: `stream_${id}`,
    INFLUX_DATABASE: `stream_${id}`,
    BAKERY_STREAM_BATCH_SIZE: '50',
    BAKERY_STREAM_FLUSH_MS: '20',
    BAKERY_STREAM_RETRY_MS: '100',
    BAKERY_CONSUMER_HIGH_PORT: '0',
    BAKERY_CONSUMER_LOW_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  }
  const db = await openDatabase(new URL(postgres), {
    poolSize: 2,
    log: createLogger({ level: 'silent', format: 'json' }),
  })
  const stream = await openStream(kafka.split(','))
  t.after(async () => {
    await db.exec(`DROP SCHEMA IF EXISTS ${env.BAKERY_STREAM_SCHEMA} CASCADE`)
    await db.close()
    await stream.close()
    await influxql(influx, `DROP DATABASE "${env.INFLUX_DATABASE}"`, 'POST')
  })

  const base = Date.now() - 60_000
  const events = Array.from({ length: EVENTS }, (_, i) => ({
    time: base + i,
    amount: i % 2 === 0 ? 7.5 : 2.5,
  }))
  await stream.createTopic(env.KAFKA_TOPIC, 3)
  for (let i = 0; i < EVENTS; i += 1000) {
    await stream.produce(
      events.slice(i, i + 1000).map((e) => ({ topic: env.KAFKA_TOPIC, value: encodeEvent(e) })),
    )
  }
  const highTotal = EVENTS / 2
  const lowTotal = EVENTS / 2

  const highCount = async () => {
    const { rows } = await db
      .query<{ n: number; distinct_n: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT (partition, "offset"))::int AS distinct_n FROM ${env.BAKERY_STREAM_SCHEMA}.events`,
      )
      .catch(() => ({ rows: [{ n: 0, distinct_n: 0 }] }))
    return rows[0] ?? { n: 0, distinct_n: 0 }
  }
  const lowCount = async () => {
    const body = (await influxql(influx, 'SELECT count(amount) FROM event', 'GET', env.INFLUX_DATABASE)) as {
      results?: { series?: { values: [number, number][] }[] }[]
    }
    return body.results?.[0]?.series?.[0]?.values[0]?.[1] ?? 0
  }

  const first = startCli(['start', 'consumer-high', 'consumer-low'], ['consumer-high', 'consumer-low'], env)
  t.after(() => {
    first.child.kill('SIGKILL')
  })
  await first.urls
  const atKill = await until(
    'consumers half-way',
    async () => {
      const { n } = await highCount()
      return n > 0 && n < highTotal ? n : undefined
    },
    60_000,
  )
  first.child.kill('SIGKILL')
  await new Promise((resolve) => first.child.once('exit', resolve))
  const afterKill = (await highCount()).n
  assert.ok(atKill > 0 && afterKill < highTotal, `killed mid-run (${afterKill} of ${highTotal} high rows)`)

  const second = startCli(['start', 'consumer-high', 'consumer-low'], ['consumer-high', 'consumer-low'], env)
  t.after(() => {
    second.child.kill('SIGTERM')
  })
  await second.urls
  await until(
    'every event stored',
    async () => (await highCount()).n === highTotal && (await lowCount()) === lowTotal,
  )
  await sleep(500)
  const final = await highCount()
  assert.deepEqual(final, { n: highTotal, distinct_n: highTotal })
  assert.equal(await lowCount(), lowTotal)
})

async function influxql(url: string, q: string, method: 'GET' | 'POST', db?: string): Promise<unknown> {
  const target = new URL('query', url)
  target.searchParams.set('q', q)
  if (db) target.searchParams.set('db', db)
  return (await fetch(target, { method })).json()
}
