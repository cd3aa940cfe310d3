// Stream pipeline benchmark (not a test). Two parts, on the servers scripts/provision.sh starts
// (Kafka, PostgreSQL, InfluxDB); prints figures, asserts nothing.
// 1. Ingest, in alternating rounds (A B C, then C B A, …): `bakery event-api` as its own process
//    loaded by closed-loop users posting batches of 100 and of 1,000 events, and Kafka's own
//    ProducerPerformance (40 B records, acks=all, idempotent) on the same broker. The ratio is the
//    event API's events/s over ProducerPerformance's records/s of the same round, median of the
//    rounds; server CPU µs per event says what the API costs whatever else the machine runs.
// 2. End-to-end lag (API → Kafka → consumer-high → PostgreSQL row) at 1,000 events/s, open loop,
//    with the consumers' default flush interval (BAKERY_STREAM_FLUSH_MS) unless --flush-ms is given.
//   npm run bench:stream [-- --rounds 3 --seconds 10 --connections 4 --batches 100,1000 --cpu-prof]
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { homedir, loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import type { WiredDeps } from '../src/config.ts'
import { loadConfig } from '../src/config.ts'
import { parseDuration, startLoad } from '../src/load/index.ts'
import type { HttpService } from '../src/platform/http/index.ts'
import { createInfra } from '../src/platform/infra.ts'
import { createLogger } from '../src/platform/log/index.ts'
import { createTelemetry } from '../src/platform/telemetry/index.ts'
import { createConsumerHigh } from '../src/stream/consumer-high/index.ts'
import { createConsumerLow } from '../src/stream/consumer-low/index.ts'
import { createEventApi } from '../src/stream/event-api/index.ts'
import {
  cliPath,
  fixed,
  freePort,
  median,
  processCpuSeconds,
  progress,
  repoRoot,
  startServer,
  table,
  writeResult,
} from './support.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2s' },
    connections: { type: 'string', default: '4' },
    batches: { type: 'string', default: '100,1000' },
    records: { type: 'string', default: '1000000' },
    'flush-ms': { type: 'string' },
    'lag-seconds': { type: 'string', default: '10' },
    'skip-lag': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    brokers: { type: 'string', default: '127.0.0.1:9092' },
    database: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    influx: { type: 'string', default: 'http://127.0.0.1:8086' },
  },
})
const seconds = Number(values.seconds)
const connections = Number(values.connections)
const batches = values.batches.split(',').map(Number)
const id = randomUUID().replaceAll('-', '').slice(0, 10)
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')
const profDir = join(repoRoot, 'bench', 'results', 'profiles')
if (values['cpu-prof']) mkdirSync(profDir, { recursive: true })
const streamEnv = {
  KAFKA_BROKERS: values.brokers,
  DATABASE_URL: values.database,
  INFLUX_URL: values.influx,
  KAFKA_TOPIC: `bench-${id}`,
  BAKERY_STREAM_GROUP_PREFIX: `bench-${id}`,
  BAKERY_STREAM_SCHEMA: `bench_${id}`,
  INFLUX_DATABASE: `bench_${id}`,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  BAKERY_BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
  BAKERY_RATE_LIMIT_WRITES: '0',
  ...(values['flush-ms'] ? { BAKERY_STREAM_FLUSH_MS: values['flush-ms'] } : {}),
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

interface IngestRun {
  round: number
  side: string
  perSec: number
  requestP99Ms: number | null
  /** CPU µs per event of the event API process in the measured window; of the whole JVM for ProducerPerformance. */
  cpuUsPerEvent: number | null
  /** The load generator's CPU µs per event (event API runs). */
  clientCpuUsPerEvent: number | null
  failures: number
}

async function ingest(round: number, batch: number): Promise<IngestRun> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const server = await startServer({
    name: `stream-event-api-${batch}-${round}`,
    args: [cliPath, 'event-api'],
    // Its own topic: the lag part below starts from an empty one.
    env: {
      ...streamEnv,
      KAFKA_TOPIC: `bench-ingest-${id}`,
      BAKERY_EVENT_API_PORT: String(port),
      OTEL_TRACES_SAMPLER: 'always_on',
    },
    url,
    probe: '/readyz',
    nodeFlags: values['cpu-prof']
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${profDir}`,
          `--cpu-prof-name=event-api-${batch}-${round}-${id}.cpuprofile`,
        ]
      : [],
  })
  try {
    const run = startLoad({
      url,
      target: 'events',
      batch,
      vus: connections,
      durationMs: seconds * 1000,
      warmupMs: parseDuration(values.warmup),
    })
    let cpu = 0
    let used = Number.NaN
    run.on('phase', (phase) => {
      if (phase === 'load') cpu = processCpuSeconds(server.pid)
      else if (phase === 'done') used = processCpuSeconds(server.pid) - cpu
    })
    const summary = await run.done
    const events = summary.events?.count ?? 0
    return {
      round,
      side: `event API, batches of ${batch}`,
      perSec: summary.events?.perSec ?? 0,
      requestP99Ms: summary.acceptMs?.p99 ?? null,
      cpuUsPerEvent: events > 0 ? fixed((used * 1e6) / events, 2) : null,
      clientCpuUsPerEvent:
        events > 0 ? fixed((summary.cpu.loadCores * summary.durationS * 1e6) / events, 2) : null,
      failures: Object.values(summary.errors).reduce((a, b) => a + b, 0),
    }
  } finally {
    await server.stop()
  }
}

function kafkaJars(): { version: string; lib: string } | undefined {
  const cache = join(homedir(), '.cache/bakery/kafka')
  const version = readdirSync(cache).find((d) => /^\d/.test(d))
  return version ? { version, lib: join(cache, version, 'lib') } : undefined
}

/** ProducerPerformance's summary line: "N records sent, R records/sec (…), A ms avg latency, …". */
function producerPerformance(
  round: number,
  records: number,
  throughput: number,
): IngestRun & { line: string } {
  const jars = kafkaJars()
  if (!jars) throw new Error('no Kafka jars under ~/.cache/bakery/kafka (run scripts/provision.d/kafka.sh)')
  // GNU time reports the JVM's CPU (all its threads): what a record costs the tool itself.
  const timed = existsSync('/usr/bin/time')
  const java = [
    'java',
    [
      '-Xmx512m',
      '-cp',
      `${jars.lib}/*`,
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
  ] as const
  const result = timed
    ? spawnSync('/usr/bin/time', ['-f', 'cpu-seconds %U %S', java[0], ...java[1]], {
        encoding: 'utf8',
        timeout: 300_000,
      })
    : spawnSync(java[0], java[1], { encoding: 'utf8', timeout: 300_000 })
  const line = result.stdout.trim().split('\n').at(-1) ?? result.stderr
  const perSec = Number(/([\d.]+) records\/sec/.exec(line)?.[1] ?? 0)
  const p99 = /([\d.]+) ms 99th/.exec(line)?.[1]
  const cpu = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(result.stderr)
  return {
    round,
    side: `Kafka ProducerPerformance ${jars.version}`,
    perSec,
    requestP99Ms: p99 === undefined ? null : Number(p99),
    cpuUsPerEvent: cpu ? fixed(((Number(cpu[1]) + Number(cpu[2])) * 1e6) / records, 2) : null,
    clientCpuUsPerEvent: null,
    failures: result.status === 0 ? 0 : 1,
    line,
  }
}

// --- part 1: ingest, alternating rounds
console.log(
  `# stream bench ${new Date().toISOString()}, Node ${process.version}, Kafka at ${values.brokers}, load average ${loadBefore}`,
)
const sides = [...batches.map((b) => `api-${b}`), 'kafka']
const runs: IngestRun[] = []
for (let round = 1; round <= Number(values.rounds); round++) {
  for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
    progress(`round ${round}: ${side}`)
    const run =
      side === 'kafka'
        ? producerPerformance(round, Number(values.records), -1)
        : await ingest(round, Number(side.slice(4)))
    runs.push(run)
    progress(`  ${run.perSec.toFixed(0)}/s`)
  }
}
console.log(
  `\nIngest: ${connections} closed-loop users per event API run, ${seconds} s measured after ${values.warmup} warm-up; ProducerPerformance ${values.records} records of 40 B\n`,
)
console.log(
  table(
    ['round', 'side', 'events/s', 'request p99 ms', 'CPU µs/event', 'load generator CPU µs/event', 'failed'],
    runs.map((r) => [
      r.round,
      r.side,
      Math.round(r.perSec),
      r.requestP99Ms,
      r.cpuUsPerEvent,
      r.clientCpuUsPerEvent,
      r.failures,
    ]),
  ),
)
const ratios = batches.map((batch) => {
  const perRound = Array.from({ length: Number(values.rounds) }, (_, i) => {
    const api = runs.find((r) => r.round === i + 1 && r.side === `event API, batches of ${batch}`)
    const kafka = runs.find((r) => r.round === i + 1 && r.side.startsWith('Kafka'))
    return api && kafka && kafka.perSec > 0 ? api.perSec / kafka.perSec : Number.NaN
  }).filter(Number.isFinite)
  const cpu = runs
    .filter((r) => r.side === `event API, batches of ${batch}` && r.cpuUsPerEvent !== null)
    .map((r) => r.cpuUsPerEvent as number)
  // CPU per event is what a side costs whatever else the machine runs: ProducerPerformance's CPU
  // per record over the event API's, per round (≥ 0.5 = the API costs at most twice the tool).
  const cpuPerRound = Array.from({ length: Number(values.rounds) }, (_, i) => {
    const api = runs.find((r) => r.round === i + 1 && r.side === `event API, batches of ${batch}`)
    const kafka = runs.find((r) => r.round === i + 1 && r.side.startsWith('Kafka'))
    return api?.cpuUsPerEvent && kafka?.cpuUsPerEvent ? kafka.cpuUsPerEvent / api.cpuUsPerEvent : Number.NaN
  }).filter(Number.isFinite)
  return {
    cpuRatio: fixed(median(cpuPerRound), 3),
    cpuPerRound: cpuPerRound.map((r) => fixed(r, 3)),
    batch,
    ratio: fixed(median(perRound), 3),
    perRound: perRound.map((r) => fixed(r, 3)),
    cpuUsPerEvent: fixed(median(cpu), 2),
  }
})
console.log('')
for (const r of ratios) {
  console.log(
    `event API / ProducerPerformance, batches of ${r.batch}, median of ${r.perRound.length} alternating rounds: ${r.ratio} (${r.perRound.join(', ')}); ` +
      `event API CPU ${r.cpuUsPerEvent} µs/event; CPU per record of ProducerPerformance / per event of the API ${r.cpuRatio} (${r.cpuPerRound.join(', ')})`,
  )
}
console.log(
  `load average before: ${loadBefore}, after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
)

// --- part 2: end-to-end lag with the consumers in this process
async function endToEnd(): Promise<Record<string, unknown>> {
  const config = loadConfig(streamEnv)
  const log = createLogger({ level: 'warn', format: 'json' })
  const telemetry = createTelemetry(config)
  const infra = createInfra(config, log)
  const started: HttpService[] = []
  const start = async (name: string, factory: (deps: WiredDeps) => HttpService) => {
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
  try {
    const api = await start('event-api', createEventApi)
    await start('consumer-high', createConsumerHigh)
    await start('consumer-low', createConsumerLow)
    // One batch first, then wait until both groups have joined and committed it: lag is measured
    // on a pipeline that is running, not one still joining its consumer groups.
    const stream = await infra.stream()
    const t0 = Date.now()
    await fetch(`${api.url()}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { time: Date.now(), amount: '9' },
        { time: Date.now(), amount: '1' },
      ]),
    })
    await sleep(1000)
    for (const consumer of ['consumer-high', 'consumer-low']) {
      const group = `${config.streamGroupPrefix}.${consumer}`
      while (Date.now() - t0 < 300_000) {
        const lag = await stream.lag(config.kafkaTopic, group)
        if (lag.every((l) => l.lag === 0)) break
        await sleep(500)
      }
    }
    progress(`consumers joined and drained a first batch in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    // Open loop: 100 events every 100 ms = 1,000 events/s, each stamped with its send time.
    const db = await infra.database()
    const before = Date.now()
    const ticks = Number(values['lag-seconds']) * 10
    const body = () =>
      JSON.stringify(
        Array.from({ length: 100 }, () => ({ time: Date.now(), amount: String(Math.random() * 10) })),
      )
    for (let i = 0; i < ticks; i++) {
      await sleep(Math.max(0, before + i * 100 - Date.now()))
      void fetch(`${api.url()}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: body(),
      }).then((r) => r.arrayBuffer())
    }
    // consumer-high stores the events above the watermark; wait until those sent are in.
    await sleep(config.streamFlushMs + 3000)
    const { rows } = await db.query<{ lag_ms: number }>(
      `SELECT extract(epoch FROM (stored_at - time)) * 1000 AS lag_ms FROM ${config.streamSchema}.events
       WHERE time >= to_timestamp($1::float8 / 1000)`,
      [before],
    )
    const lags = rows.map((r) => Number(r.lag_ms)).sort((a, b) => a - b)
    const result = {
      sent: ticks * 100,
      highRows: lags.length,
      flushMs: config.streamFlushMs,
      p50: fixed(pct(lags, 50), 1),
      p99: fixed(pct(lags, 99), 1),
      max: fixed(lags.at(-1) ?? 0, 1),
    }
    console.log(
      `\nend-to-end at 1,000 events/s for ${values['lag-seconds']} s (${result.sent} sent, ${result.highRows} high rows, consumer flush ${result.flushMs} ms${values['flush-ms'] ? '' : ', the default'}): ` +
        `lag p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms`,
    )
    return result
  } finally {
    for (const service of started.reverse()) await service.stop()
    const db = await infra.database()
    await db.exec(`DROP SCHEMA IF EXISTS ${config.streamSchema} CASCADE`)
    await fetch(
      new URL(`query?q=${encodeURIComponent(`DROP DATABASE "${config.influxDatabase}"`)}`, values.influx),
      { method: 'POST' },
    ).catch(() => {})
    await infra.close()
    await telemetry.shutdown()
  }
}

const lag = values['skip-lag'] ? null : await endToEnd()
console.log(
  `results: ${writeResult('stream', { options: values, node: process.version, at: new Date().toISOString(), loadBefore, ratios, runs, lag })}`,
)
// A benchmark must not hang a session: report what still holds the loop, then leave.
setTimeout(() => {
  console.error('still open 10 s after shutdown:', process.getActiveResourcesInfo())
  process.exit(0)
}, 10_000).unref()
