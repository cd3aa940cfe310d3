// Records that can never be stored go to <topic>.dlq (after BAKERY_STREAM_DEAD_LETTER_ATTEMPTS
// tries of their batch), counted and logged, while the rest of their batch is stored and the
// consumer carries on; transient failures keep being retried and dead-letter nothing. Embedded
// and against real Kafka, PostgreSQL and InfluxDB.
import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { BakeryError, ErrorCode } from '../../src/platform/errors.ts'
import type { StreamRecord, Subscription } from '../../src/platform/stream/index.ts'
import { createConsumerHigh } from '../../src/stream/consumer-high/index.ts'
import { createStreamConsumer } from '../../src/stream/consumer-kit.ts'
import { createConsumerLow } from '../../src/stream/consumer-low/index.ts'
import { deadLetterTopic, isPermanentStoreError } from '../../src/stream/dead-letter.ts'
import { type Mode, type StreamEnv, streamEnv, until } from '../support/stream.ts'

const event = (time: number, amount: number | string) => Buffer.from(JSON.stringify({ time, amount }))

async function produce(env: StreamEnv, values: Buffer[]): Promise<void> {
  const stream = await env.infra.stream()
  await stream.produce(values.map((value) => ({ topic: env.config.kafkaTopic, value, partition: 0 })))
}

/** Reads the dead-letter topic from its start with a group of the test's own. */
async function readDeadLetters(t: TestContext, env: StreamEnv): Promise<StreamRecord[]> {
  const stream = await env.infra.stream()
  const records: StreamRecord[] = []
  const subscription: Subscription = await stream.subscribe({
    topic: deadLetterTopic(env.config.kafkaTopic),
    group: `${env.config.streamGroupPrefix}.dlq-reader`,
    fromBeginning: true,
    maxWaitMs: 50,
    handler: async (batch) => {
      records.push(...batch)
    },
  })
  t.after(() => subscription.close())
  return records
}

async function metricsOf(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text()
}

for (const mode of ['embedded', 'real'] as Mode[]) {
  describe(`stream dead letters (${mode})`, () => {
    test('a malformed record and a value PostgreSQL refuses go to <topic>.dlq; the rest is stored', async (t) => {
      const env = await streamEnv(t, mode, { BAKERY_STREAM_DEAD_LETTER_ATTEMPTS: '2' })
      if (!env) return
      const high = await env.start('consumer-high', createConsumerHigh)
      const db = await env.infra.database()
      // A rule the table enforces: this value can never be stored, however often it is tried.
      await db.exec(
        `ALTER TABLE ${env.config.streamSchema}.events ADD CONSTRAINT no_666 CHECK (amount <> 666)`,
      )
      const now = Date.now()
      await produce(env, [event(now, 10), event(now + 1, 666), Buffer.from('not json'), event(now + 2, 20)])
      const letters = await readDeadLetters(t, env)
      const count = async () =>
        Number(
          (await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${env.config.streamSchema}.events`))
            .rows[0]?.n,
        )
      await until('the two good events stored', async () => (await count()) === 2)
      await until('two dead letters', async () => letters.length === 2)
      const byReason = new Map(letters.map((r) => [r.headers['bakery.dlq.reason'], r]))
      const rejected = byReason.get('store_rejected')
      assert.equal(rejected?.value.toString(), event(now + 1, 666).toString())
      assert.equal(rejected?.headers['bakery.dlq.offset'], '1')
      assert.equal(rejected?.headers['bakery.dlq.topic'], env.config.kafkaTopic)
      assert.equal(rejected?.headers['bakery.dlq.attempts'], '3')
      assert.match(rejected?.headers['bakery.dlq.detail'] ?? '', /no_666/)
      assert.equal(byReason.get('bad_record')?.value.toString(), 'not json')
      assert.equal(
        byReason.get('bad_record')?.headers['bakery.dlq.group'],
        `${env.config.streamGroupPrefix}.consumer-high`,
      )

      // The consumer is not stuck: later events are stored, and the letters are counted.
      await produce(env, [event(now + 3, 30)])
      await until('the later event stored', async () => (await count()) === 3)
      const metrics = await metricsOf(high.url())
      assert.match(metrics, /bakery_stream_dead_letters_total\{[^}]*reason="store_rejected"[^}]*\} 1\b/)
      assert.match(metrics, /bakery_stream_dead_letters_total\{[^}]*reason="bad_record"[^}]*\} 1\b/)
      assert.equal(letters.length, 2)
    })

    test('a transient store failure is retried past the attempt limit and dead-letters nothing', async (t) => {
      const env = await streamEnv(t, mode, { BAKERY_STREAM_DEAD_LETTER_ATTEMPTS: '1' })
      if (!env) return
      let failures = 0
      const stored: number[] = []
      await env.start('consumer-high', (deps) =>
        createStreamConsumer(deps, {
          name: 'consumer-high',
          accepts: () => true,
          prepare: async () => {},
          readiness: [],
          async write(_batch, events) {
            // The store is "down" for the first five tries.
            if (events.length > 0 && failures++ < 5)
              throw new BakeryError(ErrorCode.DB_UNAVAILABLE, 'database unavailable', { retryable: true })
            stored.push(...events.map((e) => e.event.amount))
            return events.length
          },
        }),
      )
      const letters = await readDeadLetters(t, env)
      await produce(env, [event(Date.now(), 1), event(Date.now(), 2)])
      await until('both events stored after the outage', async () => stored.length === 2)
      assert.ok(failures >= 5)
      assert.deepEqual(stored, [1, 2])
      assert.equal(letters.length, 0)
    })
  })
}

test('stream dead letters (real): a point InfluxDB refuses for good goes to the DLQ, its batch-mates are stored', async (t) => {
  const env = await streamEnv(t, 'real', { BAKERY_STREAM_DEAD_LETTER_ATTEMPTS: '2' })
  if (!env) return
  await env.start('consumer-low', createConsumerLow)
  const influx = env.config.influxUrl
  const query = (q: string, method = 'GET') =>
    fetch(new URL(`query?db=${env.config.influxDatabase}&q=${encodeURIComponent(q)}`, influx), { method })
  // An `amount` of another type in the shard of 2000-01-01: a float there is a field type
  // conflict, which InfluxDB answers with 400 however often it is sent.
  const poisoned = Date.UTC(2000, 0, 1)
  const write = await fetch(new URL(`write?db=${env.config.influxDatabase}&precision=ms`, influx), {
    method: 'POST',
    body: `event,partition=9 amount="poison" ${poisoned}`,
  })
  assert.equal(write.status, 204)
  const now = Date.now()
  await produce(env, [event(now, 1), event(poisoned + 1000, 2), event(now + 1, 3)])
  const letters = await readDeadLetters(t, env)
  await until('one dead letter', async () => letters.length === 1)
  assert.equal(letters[0]?.headers['bakery.dlq.reason'], 'store_rejected')
  assert.match(letters[0]?.headers['bakery.dlq.detail'] ?? '', /conflict/)
  assert.equal(letters[0]?.value.toString(), event(poisoned + 1000, 2).toString())
  const body = (await (
    await query(`SELECT count(amount) FROM event WHERE time > ${now - 1000}ms`)
  ).json()) as {
    results: { series?: { values: [string, number][] }[] }[]
  }
  assert.equal(body.results[0]?.series?.[0]?.values[0]?.[1], 2)
})

test('permanent and transient store errors are told apart', () => {
  const sqlError = (code: string) => Object.assign(new Error(code), { code })
  assert.equal(isPermanentStoreError(sqlError('23514')), true, 'check violation')
  assert.equal(isPermanentStoreError(sqlError('22008')), true, 'datetime field overflow')
  assert.equal(isPermanentStoreError(sqlError('22P02')), true, 'invalid text representation')
  assert.equal(isPermanentStoreError(sqlError('42P01')), false, 'a missing table is a deployment problem')
  assert.equal(isPermanentStoreError(sqlError('57P01')), false, 'admin shutdown')
  assert.equal(isPermanentStoreError(sqlError('ECONNREFUSED')), false)
  assert.equal(isPermanentStoreError(new Error('socket hang up')), false)
  const tsdb = (retryable: boolean) =>
    new BakeryError(ErrorCode.TSDB_UNAVAILABLE, 'InfluxDB write answered', { retryable })
  assert.equal(isPermanentStoreError(tsdb(false)), true)
  assert.equal(isPermanentStoreError(tsdb(true)), false)
})
