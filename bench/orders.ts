// Benchmark (not a test): the bakery orders pipeline on real PostgreSQL + RabbitMQ against the plain
// reference pipeline (bench/reference-pipeline.ts), same load, same run, alternating rounds.
//   node bench/orders.ts [--rounds 3] [--duration 20s] [--warmup 3s] [--vus 64]
//                        [--variants reference,traced,untraced,split,journey,everything] [--cpu-prof]
//                        [--app-dir DIR]
//                        [--bakery-env DATABASE_POOL_SIZE=40,BAKER_PREFETCH=200]
// Variants: reference; traced = bakery with every span sampled into the in-process span store;
// untraced = bakery with OTEL_SDK_DISABLED=true; split = traced, reception and baker as two
// processes (the seed's layout); journey = traced with the tracking hops in between (reception,
// enrichment, baker, response-builder, Redis tracking store): more work per order than the
// reference does, so it is listed for information, not as the comparison; everything = all of
// `bakery start` in one process (what `npm start` runs: every service, the journey, the dashboard)
// on the same servers, with the stream's Kafka and InfluxDB embedded and no demo traffic, so the
// difference to journey is what the idle services cost the order path. Each run starts a fresh server (new table or
// schema, new queue) so table size does not drift; rounds alternate the order (ABC, CBA, …) so a
// slow drift of the machine does not favour one side. Prints a table and ratios, writes JSON to
// bench/results/. --cpu-prof writes V8 CPU profiles of the servers to bench/results/profiles/.
import { randomUUID } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import amqp from 'amqplib'
import pg from 'pg'
import { type LoadSummary, parseDuration, startLoad } from '../src/load/index.ts'
import { reachable } from '../test/support/servers.ts'
import {
  fixed,
  freePort,
  freePortsEnv,
  median,
  processCpuSeconds,
  progress,
  progressPrinter,
  referencePipeline,
  repoRoot,
  resultsDir,
  type Server,
  startServer,
  table,
  writeResult,
} from './support.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '20s' },
    warmup: { type: 'string', default: '3s' },
    vus: { type: 'string', default: '64' },
    'drain-timeout': { type: 'string', default: '60s' },
    variants: { type: 'string', default: 'reference,traced,untraced,split' },
    'cpu-prof': { type: 'boolean', default: false },
    'app-dir': { type: 'string', default: repoRoot },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    'amqp-url': { type: 'string', default: 'amqp://guest:guest@127.0.0.1:5672' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    pause: { type: 'string', default: '2s' },
    /** Extra environment for the bakery variants, K=V,K=V (e.g. DATABASE_POOL_SIZE=40). */
    'bakery-env': { type: 'string', default: '' },
  },
})
// split = traced, with reception and baker in two processes (as the seed ran them).
// memstore / diskstore = traced, with the dashboard in the process and its telemetry store in
// memory or in a SQLite file (spans, logs and metric snapshots written in batches).
const VARIANTS = [
  'reference',
  'traced',
  'untraced',
  'split',
  'journey',
  'everything',
  'memstore',
  'diskstore',
] as const
type Variant = (typeof VARIANTS)[number]
const variants = values.variants
  .split(',')
  .filter((v): v is Variant => (VARIANTS as readonly string[]).includes(v))
const rounds = Number(values.rounds)
const BENCH_DB = 'bakery_bench'

async function ensureDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: `${values['pg-url']}/postgres` })
  await admin.connect()
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
  if (!rowCount) await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  return `${values['pg-url']}/${name}`
}

/** Every other service of `bakery start` on a free port, the stream embedded, no demo traffic. */
async function everythingEnv(receptionPort: number): Promise<Record<string, string>> {
  return freePortsEnv({
    BAKERY_RECEPTION_PORT: String(receptionPort),
    BAKERY_WORKER_PORT: '0',
    KAFKA_BROKERS: 'memory://',
    INFLUX_URL: 'memory://',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    BAKERY_DEMO_TRAFFIC: 'false',
    BAKERY_RATE_LIMIT_WRITES: '0',
    BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0',
  })
}

/** Starts one variant; returns the server and a cleanup for what it created. */
async function startVariant(
  variant: Variant,
  round: number,
): Promise<{ server: Server; others: Server[]; cleanup: () => Promise<void> }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const profDir = join(resultsDir, 'profiles')
  if (values['cpu-prof']) mkdirSync(profDir, { recursive: true })
  const id = randomUUID().replaceAll('-', '').slice(0, 10)
  const nodeFlags = values['cpu-prof']
    ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${variant}-${round}-${id}.cpuprofile`]
    : []
  if (variant === 'reference') {
    const reference = referencePipeline()
    const server = await startServer({
      nodeFlags,
      name: `orders-reference-${round}-${id}`,
      args: [reference.script, '--port', String(port), '--bake-ms', '0'],
      env: { AMQP_URL: values['amqp-url'] },
      url,
      probe: '/',
      cwd: reference.cwd,
    })
    return { server, others: [], cleanup: async () => {} }
  }
  const schema = `bench_${id}`
  const withJourney = variant === 'journey' || variant === 'everything'
  const queue = `bench-orders-${id}`
  const databaseUrl = await ensureDatabase(BENCH_DB)
  const env = {
    HOST: '127.0.0.1',
    BAKERY_RECEPTION_PORT: String(port),
    BAKERY_WORKER_PORT: '0',
    DATABASE_URL: databaseUrl,
    AMQP_URL: values['amqp-url'],
    BAKERY_ORDERS_SCHEMA: schema,
    BAKERY_ORDERS_QUEUE: queue,
    BAKE_TIME_SCALE: '0',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    // The reference bakes straight from its queue; so does Bakery unless the journey is measured.
    BAKERY_ORDER_JOURNEY: withJourney ? 'true' : 'false',
    ...(withJourney ? { REDIS_URL: values['redis-url'] } : {}),
    ...(variant === 'everything'
      ? {
          ...(await everythingEnv(port)),
          BAKERY_TELEMETRY_STORE: join(tmpdir(), `bakery-bench-${id}.sqlite`),
        }
      : {}),
    ...Object.fromEntries(
      values['bakery-env']
        .split(',')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    ),
    ...(variant === 'memstore' || variant === 'diskstore'
      ? {
          BAKERY_DASHBOARD_PORT: String(await freePort()),
          BAKERY_TELEMETRY_STORE:
            variant === 'memstore' ? 'memory:' : join(tmpdir(), `bakery-bench-${id}.sqlite`),
        }
      : {}),
    ...(variant === 'untraced'
      ? { OTEL_SDK_DISABLED: 'true' }
      : { OTEL_TRACES_SAMPLER: 'always_on', OTEL_SDK_DISABLED: 'false' }),
  }
  const cli = join(values['app-dir'], 'src', 'cli.ts')
  const server = await startServer({
    name: `orders-${variant}-${round}-${id}`,
    args:
      variant === 'split'
        ? [cli, 'reception']
        : variant === 'journey'
          ? [cli, 'start', 'reception', 'enrichment', 'baker', 'response-builder']
          : variant === 'everything'
            ? [cli, 'start']
            : variant === 'memstore' || variant === 'diskstore'
              ? [cli, 'start', 'reception', 'baker', 'dashboard']
              : [cli, 'start', 'reception', 'baker'],
    nodeFlags,
    env,
    url,
    probe: '/readyz',
  })
  const others: Server[] = []
  if (variant === 'split') {
    const workerPort = await freePort()
    others.push(
      await startServer({
        name: `orders-split-baker-${round}-${id}`,
        args: [cli, 'baker'],
        env: { ...env, BAKERY_WORKER_PORT: String(workerPort) },
        url: `http://127.0.0.1:${workerPort}`,
        probe: '/readyz',
      }),
    )
  }
  return {
    server,
    others,
    async cleanup() {
      const store = (env as { BAKERY_TELEMETRY_STORE?: string }).BAKERY_TELEMETRY_STORE
      if (store?.endsWith('.sqlite'))
        for (const f of ['', '-wal', '-shm']) rmSync(`${store}${f}`, { force: true })
      const db = new pg.Client({ connectionString: databaseUrl })
      await db.connect()
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await db.end()
      const conn = await amqp.connect(values['amqp-url'])
      const channel = await conn.createChannel()
      for (const q of [queue, `${queue}.dead`]) await channel.deleteQueue(q).catch(() => {})
      await conn.close()
    },
  }
}

interface Measured {
  round: number
  variant: Variant
  readyMs: number
  serverCores: number
  summary: LoadSummary
}

async function measure(variant: Variant, round: number): Promise<Measured> {
  const { server, others, cleanup } = await startVariant(variant, round).catch((error: unknown) => {
    throw new Crashed(
      `${variant} did not start: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    )
  })
  const all = [server, ...others]
  const cpuSeconds = () => all.reduce((sum, s) => sum + processCpuSeconds(s.pid), 0)
  try {
    const run = startLoad({
      url: server.url,
      vus: Number(values.vus),
      durationMs: parseDuration(values.duration),
      warmupMs: parseDuration(values.warmup),
      drainTimeoutMs: parseDuration(values['drain-timeout']),
    })
    let cpuFrom = Number.NaN
    let cpuTo = Number.NaN
    let from = 0
    let to = 0
    run.on('phase', (phase) => {
      if (phase === 'load') {
        cpuFrom = cpuSeconds()
        from = performance.now()
      }
      if (phase === 'drain' || phase === 'done') {
        if (to === 0) {
          cpuTo = cpuSeconds()
          to = performance.now()
        }
      }
    })
    run.on('progress', progressPrinter(`round ${round} ${variant}`))
    // A shared server (RabbitMQ, PostgreSQL) stopped by someone else can take a side down mid-run.
    for (const s of all) s.onCrash(() => run.abort())
    const summary = await run.done
    const dead = all.find((s) => s.exited)
    if (dead) throw new Crashed(`${variant} exited during the run; see bench/results/${dead.name}.log`)
    return {
      round,
      variant,
      readyMs: server.readyMs,
      serverCores: (cpuTo - cpuFrom) / ((to - from) / 1000),
      summary,
    }
  } finally {
    for (const s of all) await s.stop()
    await cleanup().catch((error: unknown) => progress(`  cleanup after ${variant} failed: ${String(error)}`))
  }
}

class Crashed extends Error {}

/** Waits (up to 2 minutes) until PostgreSQL and RabbitMQ accept connections again. */
async function serversUp(): Promise<void> {
  const targets = [new URL(values['pg-url']), new URL(values['amqp-url'])]
  for (let i = 0; i < 120; i++) {
    const up = await Promise.all(
      targets.map((u) =>
        reachable(u.hostname, Number(u.port) || (u.protocol.startsWith('amqp') ? 5672 : 5432)),
      ),
    )
    if (up.every(Boolean)) return
    await sleep(1000)
  }
}

const disturbed: { round: number; variant: Variant; reason: string }[] = []

/**
 * Measures again (up to twice) when the run was disturbed from outside: the server died under it,
 * or answered errors (on this shared machine: PostgreSQL out of connections, a drill stopping
 * RabbitMQ). Such a run says nothing about speed; it is listed in the JSON, not in the table.
 */
async function measureWithRetry(variant: Variant, round: number): Promise<Measured> {
  for (let attempt = 1; ; attempt++) {
    let reason: string
    try {
      const measured = await measure(variant, round)
      const errors = Object.entries(measured.summary.errors)
      if (errors.length === 0 || attempt >= 3) return measured
      reason = `errors ${JSON.stringify(Object.fromEntries(errors))}`
    } catch (error) {
      if (!(error instanceof Crashed) || attempt >= 3) throw error
      reason = error.message
    }
    disturbed.push({ round, variant, reason })
    progress(`  ${variant}: ${reason}; measuring again once PostgreSQL and RabbitMQ answer`)
    await serversUp()
    await sleep(5000)
  }
}

const results: Measured[] = []
progress(
  `orders benchmark: ${rounds} rounds of ${variants.join(', ')}; ${values.vus} users, ${values.duration} each`,
)
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 === 1 ? variants : [...variants].reverse()
  for (const variant of order) {
    if (results.length > 0) await sleep(parseDuration(values.pause))
    results.push(await measureWithRetry(variant, round))
  }
}

/** CPU the server process spent per accepted order: less sensitive to a busy machine than rates. */
/**
 * Orders of the window per second of window plus backlog (last finish after the load ended): a
 * pipeline that accepts faster than it bakes does not get credit for the orders still queued.
 */
const completedPerSec = (m: Measured) => {
  const s = m.summary
  const backlog = Math.max(0, s.completion?.backlogS ?? 0)
  return (s.acceptedPerSec * s.durationS) / (s.durationS + backlog)
}

const cpuPerOrder = (m: Measured) => (1000 * m.serverCores) / m.summary.acceptedPerSec
/**
 * CPU the whole machine spent per accepted order (server, PostgreSQL, RabbitMQ, load generator and
 * anything else running): on a saturated machine the brokers' and database's work per order
 * decides throughput as much as the server's own.
 */
const machineCpuPerOrder = (m: Measured) =>
  (10 * m.summary.cpu.machineBusyPct * m.summary.cpu.cores) / m.summary.acceptedPerSec

const row = (m: Measured) => {
  const s = m.summary
  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0)
  return [
    m.round,
    m.variant,
    s.acceptedPerSec,
    fixed(completedPerSec(m), 1),
    s.acceptMs?.p50 ?? null,
    s.acceptMs?.p90 ?? null,
    s.acceptMs?.p99 ?? null,
    s.acceptMs?.max ?? null,
    errors,
    s.completion?.lost ?? null,
    s.completion?.e2eServerMs?.p50 ?? null,
    s.completion?.e2eServerMs?.p99 ?? null,
    fixed(m.serverCores),
    fixed(cpuPerOrder(m), 3),
    s.cpu.loadCores,
    s.cpu.machineBusyPct,
    fixed(machineCpuPerOrder(m), 3),
    Math.round(m.readyMs),
  ]
}
const headers = [
  'round',
  'variant',
  'accepted/s',
  'completed/s',
  'p50 ms',
  'p90',
  'p99',
  'max',
  'errors',
  'lost',
  'e2e p50',
  'e2e p99',
  'server cores',
  'server CPU ms/order',
  'loadgen cores',
  'machine %',
  'machine CPU ms/order',
  'ready ms',
]

function ratios(b: Variant, a: Variant) {
  const perRound: {
    acceptedPerSec: number
    completedPerSec: number
    p99: number
    cpuPerOrder: number
    machineCpuPerOrder: number
  }[] = []
  for (let round = 1; round <= rounds; round++) {
    const x = results.find((r) => r.round === round && r.variant === b)?.summary
    const y = results.find((r) => r.round === round && r.variant === a)?.summary
    if (!x || !y || !x.acceptMs || !y.acceptMs) continue
    const run = (v: Variant) => results.find((r) => r.round === round && r.variant === v) as Measured
    perRound.push({
      acceptedPerSec: x.acceptedPerSec / y.acceptedPerSec,
      completedPerSec: completedPerSec(run(b)) / completedPerSec(run(a)),
      p99: x.acceptMs.p99 / y.acceptMs.p99,
      cpuPerOrder: cpuPerOrder(run(b)) / cpuPerOrder(run(a)),
      machineCpuPerOrder: machineCpuPerOrder(run(b)) / machineCpuPerOrder(run(a)),
    })
  }
  return {
    name: `${b} / ${a}`,
    acceptedPerSec: fixed(median(perRound.map((r) => r.acceptedPerSec)), 3),
    completedPerSec: fixed(median(perRound.map((r) => r.completedPerSec)), 3),
    p99: fixed(median(perRound.map((r) => r.p99)), 3),
    cpuPerOrder: fixed(median(perRound.map((r) => r.cpuPerOrder)), 3),
    machineCpuPerOrder: fixed(median(perRound.map((r) => r.machineCpuPerOrder)), 3),
    perRound: perRound.map((r) => ({
      acceptedPerSec: fixed(r.acceptedPerSec, 3),
      completedPerSec: fixed(r.completedPerSec, 3),
      p99: fixed(r.p99, 3),
      cpuPerOrder: fixed(r.cpuPerOrder, 3),
      machineCpuPerOrder: fixed(r.machineCpuPerOrder, 3),
    })),
  }
}
const pairs: [Variant, Variant][] = [
  ['traced', 'reference'],
  ['untraced', 'reference'],
  ['traced', 'untraced'],
  ['split', 'reference'],
  ['split', 'traced'],
  ['journey', 'reference'],
  ['journey', 'traced'],
  ['everything', 'reference'],
  ['everything', 'journey'],
  ['diskstore', 'memstore'],
]
const ratioRows = pairs
  .filter(([b, a]) => variants.includes(b) && variants.includes(a))
  .map(([b, a]) => ratios(b, a))
const lost = results.reduce((sum, r) => sum + (r.summary.completion?.lost ?? 0), 0)

console.log(
  `\nOrders pipeline, real PostgreSQL + RabbitMQ: ${values.vus} closed-loop users, ${values.warmup} warmup + ${values.duration} per run, bake time 0\n`,
)
console.log(table(headers, results.map(row)))
console.log(`\nMedian of per-round ratios (accepted/s: >1 = faster; p99 and CPU/order: <1 = better)\n`)
console.log(
  table(
    [
      'ratio',
      'accepted/s',
      'completed/s',
      'p99',
      'server CPU/order',
      'machine CPU/order',
      'per round (accepted/s, completed/s, server CPU/order)',
    ],
    ratioRows.map((r) => [
      r.name,
      r.acceptedPerSec,
      r.completedPerSec,
      r.p99,
      r.cpuPerOrder,
      r.machineCpuPerOrder,
      r.perRound.map((p) => `${p.acceptedPerSec}, ${p.completedPerSec}, ${p.cpuPerOrder}`).join('; '),
    ]),
  ),
)
console.log(`\nlost orders in all runs: ${lost}${lost ? '  <-- MUST BE 0' : ''}`)
for (const d of disturbed) console.log(`measured again: round ${d.round} ${d.variant} (${d.reason})`)
const file = writeResult('orders', {
  options: values,
  node: process.version,
  at: new Date().toISOString(),
  ratios: ratioRows,
  lost,
  disturbed,
  runs: results.map((r) => ({
    round: r.round,
    variant: r.variant,
    readyMs: Math.round(r.readyMs),
    serverCores: fixed(r.serverCores, 3),
    summary: r.summary,
  })),
})
console.log(`results: ${file}`)
process.exitCode = lost === 0 && results.every((r) => r.summary.accepted > 0) ? 0 : 1
