// The stream pipeline end to end, embedded and against real Kafka, PostgreSQL and InfluxDB:
// event API → topic → consumer-high (PostgreSQL) / consumer-low (InfluxDB) → aggregator.
import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { HttpService } from '../../src/platform/http/index.ts'
import { createLogger } from '../../src/platform/log/index.ts'
import { createAggregator } from '../../src/stream/aggregator/index.ts'
import { createConsumerHigh } from '../../src/stream/consumer-high/index.ts'
import { createConsumerLow } from '../../src/stream/consumer-low/index.ts'
import { createEventApi } from '../../src/stream/event-api/index.ts'
import { type Mode, type StreamEnv, streamEnv, until } from '../support/stream.ts'

interface Point {
  time: number
  count: number
  type: 'low' | 'high'
}

const BUCKET = 10_000
// Amounts cycle through both sides of the watermark, as numbers and as strings; 5 is low.
const AMOUNTS: (number | string)[] = [0, 2.5, 5, '5', 5.0001, 7.5, '9.9', '4', 6, 5, '5.000', 10]
const isHigh = (amount: number | string) => Number(amount) > 5

function makeEvents(count: number, base: number) {
  return Array.from({ length: count }, (_, i) => ({
    time: base + i * 150,
    amount: AMOUNTS[i % AMOUNTS.length] as number | string,
  }))
}

function expected(events: { time: number; amount: number | string }[]) {
  const out = new Map<string, number>()
  for (const e of events) {
    const key = `${Math.floor(e.time / BUCKET) * BUCKET}:${isHigh(e.amount) ? 'high' : 'low'}`
    out.set(key, (out.get(key) ?? 0) + 1)
  }
  return out
}

async function post(api: HttpService, body: string, contentType: string) {
  const response = await fetch(`${api.url()}/`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  })
  return { status: response.status, body: (await response.json()) as { message: string; code?: string } }
}

async function points(aggregator: HttpService, query = 'window=2m&bucket=10s'): Promise<Point[]> {
  const response = await fetch(`${aggregator.url()}/api?${query}`)
  assert.equal(response.status, 200)
  const body = (await response.json()) as { message: string; points: Point[] }
  assert.equal(body.message, 'ok')
  return body.points
}

const total = (ps: Point[], type: 'low' | 'high') =>
  ps.filter((p) => p.type === type).reduce((s, p) => s + p.count, 0)

async function startAll(env: StreamEnv) {
  const api = await env.start('event-api', createEventApi)
  const high = await env.start('consumer-high', createConsumerHigh)
  const low = await env.start('consumer-low', createConsumerLow)
  const aggregator = await env.start('aggregator', createAggregator)
  return { api, high, low, aggregator }
}

for (const mode of ['embedded', 'real'] as Mode[]) {
  describe(`stream pipeline (${mode})`, () => {
    test('counts every event exactly once, split at the watermark, when posted as JSON and as lines', async (t: TestContext) => {
      const env = await streamEnv(t, mode)
      if (!env) return
      const { api, aggregator } = await startAll(env)
      const base = Math.floor(Date.now() / BUCKET) * BUCKET - 40_000
      const events = makeEvents(240, base)
      const first = await post(api, JSON.stringify(events.slice(0, 120)), 'application/json')
      assert.deepEqual(first, { status: 200, body: { message: 'ingested 120 events' } })
      const lines = events
        .slice(120)
        .map((e) => JSON.stringify(e))
        .join('\n')
      const second = await post(api, `${lines}\n`, 'application/text')
      assert.deepEqual(second, { status: 200, body: { message: 'ingested 120 events' } })

      const highTotal = events.filter((e) => isHigh(e.amount)).length
      const lowTotal = events.length - highTotal
      await until('all events counted', async () => {
        const ps = await points(aggregator)
        return total(ps, 'high') === highTotal && total(ps, 'low') === lowTotal
      })
      await sleep(300) // one more consumer flush interval and then some: nothing arrives twice
      const ps = await points(aggregator)
      const want = expected(events)
      for (const p of ps)
        assert.equal(p.count, want.get(`${p.time}:${p.type}`) ?? 0, `${p.type} at ${p.time}`)
      assert.equal(total(ps, 'high'), highTotal)
      assert.equal(total(ps, 'low'), lowTotal)
      // Both series stamped at bucket starts, every bucket present in both.
      const lows = ps.filter((p) => p.type === 'low').map((p) => p.time)
      assert.deepEqual(
        lows,
        ps.filter((p) => p.type === 'high').map((p) => p.time),
      )
      for (const time of lows) assert.equal(time % BUCKET, 0)
      assert.ok(lows.length >= 12, 'a 2 minute window has at least 12 buckets of 10 s')

      // Consumer spans start new traces linked to the event API's producer span.
      const store = env.telemetry.spanStore
      assert.ok(store)
      const producer = store
        .search({ limit: 50 })
        .flatMap((s) => store.getTrace(s.traceId))
        .find((s) => s.name === `${env.config.kafkaTopic} publish` && s.kind === 'producer')
      assert.ok(producer, 'a producer span')
      const linked = store.findLinksTo(producer.traceId)
      assert.ok(
        linked.some((s) => s.kind === 'consumer'),
        'a consumer span links to the producer span',
      )
    })

    test('answers 400 naming the bad line and ingests nothing of that batch', async (t: TestContext) => {
      const env = await streamEnv(t, mode, { BAKERY_STREAM_MAX_EVENTS: '5' })
      if (!env) return
      const { api, aggregator } = await startAll(env)
      const now = Date.now() - 5000
      const good = (i: number) => JSON.stringify({ time: now + i, amount: 7 })
      const lines = await post(
        api,
        [good(1), good(2), '{"time":1,"amount":"abc"}'].join('\n'),
        'application/text',
      )
      assert.equal(lines.status, 400)
      assert.match(lines.body.message, /^line 3: amount must be a finite number/)
      const missing = await post(
        api,
        JSON.stringify([{ time: now, amount: 1 }, { time: now }]),
        'application/json',
      )
      assert.equal(missing.status, 400)
      assert.match(missing.body.message, /^event 2 \(line 2\): amount/)
      const notJson = await post(api, `${good(1)}\n\n{oops`, 'application/text')
      assert.match(notJson.body.message, /^line 3: is not valid JSON/)
      const tooMany = await post(
        api,
        JSON.stringify(Array.from({ length: 6 }, () => ({ time: now, amount: 1 }))),
        'application/json',
      )
      assert.equal(tooMany.status, 400)
      assert.match(tooMany.body.message, /at most 5/)
      const type = await post(api, good(1), 'application/xml')
      assert.deepEqual(type, {
        status: 400,
        body: { code: 'BKR_STREAM_BAD_EVENT', message: 'unsupported content type application/xml' },
      })

      const ok = await post(api, JSON.stringify([{ time: now, amount: '8.5' }]), 'application/json')
      assert.deepEqual(ok, { status: 200, body: { message: 'ingested 1 events' } })
      await until(
        'the one good event',
        async () => total(await points(aggregator, 'window=1m&bucket=10s'), 'high') === 1,
      )
      await sleep(300)
      const ps = await points(aggregator, 'window=1m&bucket=10s')
      assert.equal(total(ps, 'high') + total(ps, 'low'), 1)
    })

    test('counts nothing twice when a new consumer group replays the topic from offset 0', async (t: TestContext) => {
      const env = await streamEnv(t, mode)
      if (!env) return
      const { api, aggregator } = await startAll(env)
      const events = makeEvents(60, Date.now() - 20_000)
      assert.equal((await post(api, JSON.stringify(events), 'application/json')).status, 200)
      const highTotal = events.filter((e) => isHigh(e.amount)).length
      const settled = async () => {
        const ps = await points(aggregator, 'window=1m&bucket=10s')
        return total(ps, 'high') === highTotal && total(ps, 'low') === events.length - highTotal
      }
      await until('all events counted', settled)
      // Same stores, fresh groups: as if Kafka lost the commits after the stores had the batch.
      const replay = { ...env.config, streamGroupPrefix: `${env.config.streamGroupPrefix}-replay` }
      const stream = await env.infra.stream()
      for (const [name, factory] of [
        ['consumer-high', createConsumerHigh],
        ['consumer-low', createConsumerLow],
      ] as const) {
        const service = factory({
          config: replay,
          log: createLogger({ level: 'silent', format: 'json' }),
          telemetry: env.telemetry.forService(`${name}-replay`),
          rootTelemetry: env.telemetry,
          infra: env.infra,
          port: 0,
        })
        await service.start()
        t.after(() => service.stop())
        await until(`${name} replay done`, async () =>
          (await stream.lag(replay.kafkaTopic, `${replay.streamGroupPrefix}.${name}`)).every(
            (l) => l.lag === 0,
          ),
        )
      }
      await sleep(300)
      assert.ok(await settled(), 'counts unchanged after the replay')
    })
  })
}

test('event API answers 503 when Kafka does not acknowledge', async (t: TestContext) => {
  const env = await streamEnv(t, 'embedded', { KAFKA_BROKERS: '127.0.0.1:1' })
  if (!env) return
  const api = await env.start('event-api', createEventApi)
  const answer = await post(api, JSON.stringify([{ time: Date.now(), amount: 1 }]), 'application/json')
  assert.equal(answer.status, 503)
  assert.equal(answer.body.code, 'BKR_STREAM_UNAVAILABLE')
})

test('stream services do nothing when DISABLE is set', async (t: TestContext) => {
  const env = await streamEnv(t, 'embedded', { DISABLE: 'true' })
  if (!env) return
  const api = await env.start('event-api', createEventApi)
  const aggregator = await env.start('aggregator', createAggregator)
  const answer = await post(api, JSON.stringify([{ time: Date.now(), amount: 1 }]), 'application/json')
  assert.deepEqual(answer, { status: 200, body: { message: 'processing disabled, did nothing' } })
  const response = await fetch(`${aggregator.url()}/api`)
  assert.deepEqual(await response.json(), { message: 'processing disabled, did nothing', points: null })
})

test('aggregator streams each closed bucket as a Server-Sent Event', async (t: TestContext) => {
  const env = await streamEnv(t, 'embedded')
  if (!env) return
  const { api, aggregator } = await startAll(env)
  const controller = new AbortController()
  t.after(() => controller.abort())
  const response = await fetch(`${aggregator.url()}/api/stream?bucket=1s`, { signal: controller.signal })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'text/event-stream')
  // Events stamped in the current second and the next, so they land in buckets still to close.
  const now = Date.now()
  const events = [
    { time: now, amount: 9 },
    { time: now, amount: 1 },
    { time: now + 1000, amount: '5' },
  ]
  assert.equal((await post(api, JSON.stringify(events), 'application/json')).status, 200)
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let text = ''
  const seen = new Map<number, Point[]>()
  while (seen.size < 3) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    for (const block of text.split('\n\n').slice(0, -1)) {
      const data = /^event: bucket\ndata: (.*)$/m.exec(block)?.[1]
      if (data) {
        const parsed = JSON.parse(data) as { time: number; points: Point[] }
        seen.set(parsed.time, parsed.points)
      }
    }
    text = text.slice(text.lastIndexOf('\n\n') + 2)
  }
  const counted = [...seen.values()].flat()
  for (const [time, points] of seen) {
    assert.equal(time % 1000, 0)
    assert.deepEqual(
      points.map((p) => [p.time, p.type]),
      [
        [time, 'low'],
        [time, 'high'],
      ],
    )
  }
  const at = (time: number, type: string) => counted.find((p) => p.time === time && p.type === type)?.count
  const first = Math.floor(now / 1000) * 1000
  if (seen.has(first)) {
    assert.equal(at(first, 'high'), 1)
    assert.equal(at(first, 'low'), 1)
  }
  assert.ok(seen.has(first + 1000), 'the bucket after the first connect second was sent')
  assert.equal(at(first + 1000, 'low'), 1)
  assert.equal(at(first + 1000, 'high'), 0)
})
