// Stream pipeline benchmark (not a test): event API ingest rate with batches of 100 and 1,000,
// end-to-end lag (API → Kafka → consumer-high → PostgreSQL row) at 1,000 events/s, and Kafka's
// own ProducerPerformance tool on the same broker as the anchor. Needs the servers started by
// scripts/provision.sh (Kafka, PostgreSQL, InfluxDB); prints figures, asserts nothing.
//   npm run bench:stream [-- --seconds 10 --connections 4]
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import type { WiredDeps } from '../src/config.ts'
import { loadConfig } from '../src/config.ts'
import type { HttpService } from '../src/platform/http/index.ts'
import { createInfra } from '../src/platform/infra.ts'
import { createLogger } from '../src/platform/log/index.ts'
import { createTelemetry } from '../src/platform/telemetry/index.ts'
import { createConsumerHigh } from '../src/stream/consumer-high/index.ts'
import { createConsumerLow } from '../src/stream/consumer-low/index.ts'
import { createEventApi } from '../src/stream/event-api/index.ts'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '4' },
    brokers: { type: 'string', default: '127.0.0.1:9092' },
    database: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    influx: { type: 'string', default: 'http://127.0.0.1:8086' },
  },
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const id = randomUUID().replaceAll('-', '').slice(0, 10)
const env = {
  KAFKA_BROKERS: values.brokers,
  DATABASE_URL: values.database,
  INFLUX_URL: values.influx,
  KAFKA_TOPIC: `bench-${id}`,
  BAKERY_STREAM_GROUP_PREFIX: `bench-${id}`,
  BAKERY_STREAM_SCHEMA: `bench_${id}`,
  INFLUX_DATABASE: `bench_${id}`,
  BAKERY_STREAM_FLUSH_MS: '100',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  BAKERY_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
}
const config = loadConfig(env)
const log = createLogger({ level: 'warn', format: 'json' })
const telemetry = createTelemetry(config)
const infra = createInfra(config, log)
const started: HttpService[] = []
async function start(name: string, factory: (deps: WiredDeps) => HttpService): Promise<HttpService> {
  const service = factory({
    config,
    log: log.child({ service: name }),
    telemetry: telemetry.forService(name),
    rootTelemetry: telemetry,
    infra,
    port: 0,
  })
  await service.start()
  started.push(service)
  return service
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
const batchBody = (n: number) =>
  JSON.stringify(Array.from({ length: n }, () => ({ time: Date.now(), amount: String(Math.random() * 10) })))

async function ingest(api: HttpService, batch: number): Promise<void> {
  const latencies: number[] = []
  let events = 0
  let failures = 0
  const deadline = Date.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < deadline) {
        const body = batchBody(batch)
        const t0 = performance.now()
        const response = await fetch(`${api.url()}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        await response.arrayBuffer()
        latencies.push(performance.now() - t0)
        if (response.status === 200) events += batch
        else failures++
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  console.log(
    `event API, batches of ${batch}, ${connections} connections, ${seconds} s: ${Math.round(events / seconds)} events/s, ` +
      `${Math.round(latencies.length / seconds)} requests/s, request p50 ${pct(latencies, 50).toFixed(1)} ms p99 ${pct(latencies, 99).toFixed(1)} ms, ${failures} failed`,
  )
}

async function drained(): Promise<number> {
  // The ingest phases leave a backlog; lag is measured from an empty pipeline.
  const stream = await infra.stream()
  const t0 = Date.now()
  for (const consumer of ['consumer-high', 'consumer-low']) {
    const group = `${config.streamGroupPrefix}.${consumer}`
    while (Date.now() - t0 < 300_000) {
      const lag = await stream.lag(config.kafkaTopic, group)
      if (lag.every((l) => l.lag === 0)) break
      await sleep(500)
    }
  }
  return Date.now() - t0
}

async function endToEnd(api: HttpService): Promise<void> {
  // Open loop: 100 events every 100 ms = 1,000 events/s, each stamped with its send time.
  const db = await infra.database()
  console.log(`consumers drained the ingest backlog in ${((await drained()) / 1000).toFixed(1)} s`)
  const before = Date.now()
  let sent = 0
  const ticks = seconds * 10
  for (let i = 0; i < ticks; i++) {
    const due = before + i * 100
    await sleep(Math.max(0, due - Date.now()))
    void fetch(`${api.url()}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: batchBody(100),
    }).then((r) => r.arrayBuffer())
    sent += 100
  }
  // consumer-high stores the events above the watermark; wait until those sent in the window are in.
  await sleep(3000)
  const { rows } = await db.query<{ lag_ms: number }>(
    `SELECT extract(epoch FROM (stored_at - time)) * 1000 AS lag_ms FROM ${config.streamSchema}.events
     WHERE time >= to_timestamp($1::float8 / 1000)`,
    [before],
  )
  const lags = rows.map((r) => Number(r.lag_ms)).sort((a, b) => a - b)
  console.log(
    `end-to-end at 1,000 events/s for ${seconds} s (${sent} sent, ${lags.length} high rows, consumer flush ${config.streamFlushMs} ms): ` +
      `lag p50 ${pct(lags, 50).toFixed(1)} ms, p99 ${pct(lags, 99).toFixed(1)} ms, max ${(lags.at(-1) ?? 0).toFixed(1)} ms`,
  )
}

function kafkaAnchor(records: number, throughput: number): void {
  const cache = join(homedir(), '.cache/bakery/kafka')
  const version = readdirSync(cache).find((d) => /^\d/.test(d))
  if (!version) {
    console.log('Kafka anchor: no jars under ~/.cache/bakery/kafka (run scripts/provision.d/kafka.sh)')
    return
  }
  const result = spawnSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${join(cache, version, 'lib')}/*`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      `bench-anchor-${id}`,
      '--num-records',
      String(records),
      '--record-size',
      '40',
      '--throughput',
      String(throughput),
      '--producer-props',
      `bootstrap.servers=${values.brokers}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  )
  const summary = result.stdout.trim().split('\n').at(-1) ?? result.stderr
  console.log(
    `Kafka ProducerPerformance ${version}, ${records} records of 40 B, throughput ${throughput}: ${summary}`,
  )
}

const api = await start('event-api', createEventApi)
await start('consumer-high', createConsumerHigh)
await start('consumer-low', createConsumerLow)
console.log(`# stream bench ${new Date().toISOString()}, Node ${process.version}, Kafka at ${values.brokers}`)
await ingest(api, 100) // warm-up
await ingest(api, 100)
await ingest(api, 1000)
await endToEnd(api)
kafkaAnchor(500_000, -1)
kafkaAnchor(seconds * 1000, 1000)
for (const service of started.reverse()) {
  console.error(`${new Date().toISOString()} stopping ${service.name}`)
  await service.stop()
}
console.error(`${new Date().toISOString()} cleaning up`)
const db = await infra.database()
await db.exec(`DROP SCHEMA IF EXISTS ${config.streamSchema} CASCADE`)
await fetch(
  new URL(`query?q=${encodeURIComponent(`DROP DATABASE "${config.influxDatabase}"`)}`, values.influx),
  { method: 'POST' },
)
console.error(`${new Date().toISOString()} closing adapters`)
await infra.close()
await telemetry.shutdown()
console.error(`${new Date().toISOString()} done`)
// A benchmark must not hang a session: report what still holds the loop, then leave.
setTimeout(() => {
  console.error('still open 10 s after shutdown:', process.getActiveResourcesInfo())
  process.exit(0)
}, 10_000).unref()
