// BAKERY_DISABLE names the stream services that do nothing (DISABLE=true is all of them): the
// rest of the pipeline keeps working around them.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type TestContext, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config.ts'
import { createAggregator } from '../../src/stream/aggregator/index.ts'
import { createConsumerHigh } from '../../src/stream/consumer-high/index.ts'
import { createConsumerLow } from '../../src/stream/consumer-low/index.ts'
import { createEventApi } from '../../src/stream/event-api/index.ts'
import { createProducer } from '../../src/stream/producer/index.ts'
import { type StreamEnv, streamEnv, until } from '../support/stream.ts'

/** A stand-in event API that counts the events posted to it. */
async function countingApi(t: TestContext): Promise<{ url: string; events: () => number }> {
  let events = 0
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      events += (JSON.parse(body) as unknown[]).length
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"ok"}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, events: () => events }
}

async function runProducer(
  env: StreamEnv,
): Promise<{ stop: () => Promise<void>; text: () => Promise<string> }> {
  const telemetry = env.telemetry.forService('producer')
  const producer = createProducer({
    config: env.config,
    log: (await import('../../src/platform/log/index.ts')).createLogger({ level: 'silent', format: 'json' }),
    telemetry,
    rootTelemetry: env.telemetry,
    infra: env.infra,
    port: 0,
  })
  await producer.start()
  return { stop: () => producer.stop(), text: () => telemetry.metricsText() }
}

const producerEnv = (url: string) => ({
  BAKERY_STREAM_RATE: '200',
  BAKERY_STREAM_POST_INTERVAL_MS: '20',
  BAKERY_STREAM_API_URL: url,
})

test('BAKERY_DISABLE=producer,consumer-low: the producer makes and drops nothing, consumer-low stays idle, consumer-high works', async (t) => {
  const api = await countingApi(t)
  const env = await streamEnv(t, 'embedded', {
    BAKERY_DISABLE: 'producer,consumer-low',
    ...producerEnv(api.url),
  })
  if (!env) return
  const producer = await runProducer(env)
  const eventApi = await env.start('event-api', createEventApi)
  await env.start('consumer-high', createConsumerHigh)
  await env.start('consumer-low', createConsumerLow)
  const aggregator = await env.start('aggregator', createAggregator)
  const now = Date.now()
  const events = [
    { time: now, amount: '9' },
    { time: now, amount: '7' },
    { time: now, amount: '1' },
  ]
  const posted = await fetch(eventApi.url(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  })
  assert.equal(posted.status, 200)
  const counts = async () => {
    const body = (await (await fetch(`${aggregator.url()}/api?window=1m&bucket=10s`)).json()) as {
      points: { type: string; count: number }[]
    }
    const sum = (type: string) => body.points.filter((p) => p.type === type).reduce((s, p) => s + p.count, 0)
    return { high: sum('high'), low: sum('low') }
  }
  await until('consumer-high stored its events', async () => (await counts()).high === 2)
  await sleep(500)
  assert.deepEqual(await counts(), { high: 2, low: 0 }, 'consumer-low consumed nothing')
  await producer.stop()
  assert.equal(api.events(), 0, 'the disabled producer posted nothing')
  assertNoneRejected(await producer.text())
})

test('BAKERY_DISABLE=consumer-low: the enabled producer delivers every event it makes, none dropped', async (t) => {
  const api = await countingApi(t)
  const env = await streamEnv(t, 'embedded', { BAKERY_DISABLE: 'consumer-low', ...producerEnv(api.url) })
  if (!env) return
  const producer = await runProducer(env)
  await until('events posted', async () => api.events() >= 20)
  await producer.stop()
  const text = await producer.text()
  const ingested = Number(
    /^bakery_stream_events_ingested_total\{[^}]*service="producer"[^}]*\} (\d+)/m.exec(text)?.[1],
  )
  assert.equal(api.events(), ingested, 'every event made reached the API')
  assertNoneRejected(text)
})

test('BAKERY_DISABLE with an unknown service is a config error listing the valid ones', () => {
  assert.throws(
    () => loadConfig({ BAKERY_DISABLE: 'producer,reception' }),
    (error: Error) =>
      /BAKERY_DISABLE/.test(error.message) &&
      /producer, event-api, consumer-high, consumer-low, aggregator/.test(error.message),
  )
  assert.deepEqual(loadConfig({ BAKERY_DISABLE: 'producer, consumer-low' }).disabledServices, [
    'producer',
    'consumer-low',
  ])
  assert.deepEqual(loadConfig({}).disabledServices, [])
})

/** The rejected counter starts at 0 so its series exists; nothing dropped means every sample is 0. */
function assertNoneRejected(metrics: string): void {
  const samples = metrics
    .split('\n')
    .filter((line) => /^bakery_stream_events_rejected_total\{[^}]*service="producer"/.test(line))
  for (const line of samples) assert.equal(Number(line.split(' ').pop()), 0, line)
}
