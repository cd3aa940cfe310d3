// Benchmark (not a test): album store GET /albums pages against a bare Fastify + pg handler
// (bench/bare-album-store.ts) on the same PostgreSQL table, same load, same run, alternating rounds.
// Each virtual user walks the whole catalogue through the Link headers (cursor pages), not page 1.
//   node bench/album-pages.ts [--rounds 3] [--duration 15s] [--warmup 2s] [--vus 32] [--rows 10000]
//                             [--limit 100] [--cpu-prof]
// Besides pages/s and p99 it prints server CPU ms per page (CPU the server process used in the
// measured window ÷ pages answered): on a busy machine that, not the throughput, says what a side
// costs. --cpu-prof writes V8 CPU profiles of both servers to bench/results/profiles/
// (summarise with `node bench/profile-summary.ts <file> --skip 4`).
// The store runs as `bakery album-store` with its defaults (tracing on, every span sampled into the
// in-process store) except rate limiting, which is turned off so it does not cap the figure.
import { spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { type LoadSummary, parseDuration, startLoad } from '../src/load/index.ts'
import {
  fixed,
  freePort,
  median,
  processCpuSeconds,
  progress,
  progressPrinter,
  repoRoot,
  type Server,
  startServer,
  table,
  writeResult,
} from './support.ts'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '15s' },
    warmup: { type: 'string', default: '2s' },
    vus: { type: 'string', default: '32' },
    rows: { type: 'string', default: '10000' },
    limit: { type: 'string', default: '100' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    'app-dir': { type: 'string', default: repoRoot },
    'cpu-prof': { type: 'boolean', default: false },
  },
})
const profDir = join(repoRoot, 'bench', 'results', 'profiles')
if (values['cpu-prof']) mkdirSync(profDir, { recursive: true })
const cli = join(values['app-dir'], 'src', 'cli.ts')
const VARIANTS = ['bare', 'store'] as const
type Variant = (typeof VARIANTS)[number]

const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')
const dbName = `bakery_bench_albums_${randomUUID().replaceAll('-', '').slice(0, 10)}`
const admin = new pg.Client({ connectionString: `${values['pg-url']}/postgres` })
await admin.connect()
await admin.query(`CREATE DATABASE ${dbName}`)
const databaseUrl = `${values['pg-url']}/${dbName}`

async function start(variant: Variant, round: number): Promise<Server> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const nodeFlags = values['cpu-prof']
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${profDir}`,
        `--cpu-prof-name=albums-${variant}-${round}-${dbName}.cpuprofile`,
      ]
    : []
  if (variant === 'bare') {
    return startServer({
      name: `albums-bare-${round}`,
      nodeFlags,
      args: [
        join(repoRoot, 'bench', 'bare-album-store.ts'),
        '--port',
        String(port),
        '--database-url',
        databaseUrl,
      ],
      env: {},
      url,
      probe: '/',
    })
  }
  return startServer({
    name: `albums-store-${round}`,
    nodeFlags,
    args: [cli, 'album-store'],
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      BAKERY_ALBUM_RATE_LIMIT_MAX: '0',
      OTEL_TRACES_SAMPLER: 'always_on',
    },
    url,
    probe: '/status',
  })
}

interface Measured {
  round: number
  variant: Variant
  serverCores: number
  /** Server CPU ms per page answered in the measured window. */
  cpuMsPerPage: number
  summary: LoadSummary
}

const results: Measured[] = []
try {
  progress(`album pages benchmark: seeding ${values.rows} albums into ${dbName}`)
  const seeded = spawnSync(process.execPath, [cli, 'seed-albums', '--count', values.rows], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  })
  if (seeded.status !== 0) throw new Error(`seed-albums failed: ${seeded.stderr}`)
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const variant of round % 2 === 1 ? VARIANTS : [...VARIANTS].reverse()) {
      const server = await start(variant, round)
      try {
        const run = startLoad({
          url: server.url,
          target: 'albums',
          batch: Number(values.limit),
          vus: Number(values.vus),
          durationMs: parseDuration(values.duration),
          warmupMs: parseDuration(values.warmup),
        })
        let cpu = 0
        let from = 0
        let cpuUsed = Number.NaN
        let cores = Number.NaN
        run.on('phase', (phase) => {
          if (phase === 'load') {
            cpu = processCpuSeconds(server.pid)
            from = performance.now()
          } else if (phase === 'done') {
            cpuUsed = processCpuSeconds(server.pid) - cpu
            cores = cpuUsed / ((performance.now() - from) / 1000)
          }
        })
        run.on('progress', progressPrinter(`round ${round} ${variant}`))
        const summary = await run.done
        const cpuMsPerPage = (cpuUsed * 1000) / Math.max(1, summary.accepted)
        results.push({ round, variant, serverCores: cores, cpuMsPerPage, summary })
      } finally {
        await server.stop()
      }
      await sleep(1000)
    }
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await admin.end()
}

const perRound = Array.from({ length: Number(values.rounds) }, (_, i) => {
  const get = (v: Variant) => results.find((r) => r.round === i + 1 && r.variant === v)?.summary
  const store = get('store')
  const bare = get('bare')
  if (!store?.acceptMs || !bare?.acceptMs) return undefined
  const cpu = (v: Variant) =>
    results.find((r) => r.round === i + 1 && r.variant === v)?.cpuMsPerPage ?? Number.NaN
  return {
    pagesPerSec: store.acceptedPerSec / bare.acceptedPerSec,
    p99: store.acceptMs.p99 / bare.acceptMs.p99,
    cpuPerPage: cpu('store') / cpu('bare'),
  }
}).filter((r) => r !== undefined)
const ratio = {
  pagesPerSec: fixed(median(perRound.map((r) => r.pagesPerSec)), 3),
  p99: fixed(median(perRound.map((r) => r.p99)), 3),
  cpuPerPage: fixed(median(perRound.map((r) => r.cpuPerPage)), 3),
  perRound: perRound.map((r) => [fixed(r.pagesPerSec, 3), fixed(r.p99, 3), fixed(r.cpuPerPage, 3)]),
}
console.log(
  `\nGET /albums?limit=${values.limit} walked page by page (${values.rows} rows, real PostgreSQL), ${values.vus} closed-loop users, ${values.duration} per run\n`,
)
console.log(
  table(
    [
      'round',
      'variant',
      'pages/s',
      'albums/s',
      'p50 ms',
      'p90',
      'p99',
      'max',
      'errors',
      'server cores',
      'server CPU ms/page',
      'loadgen cores',
    ],
    results.map((r) => [
      r.round,
      r.variant,
      r.summary.acceptedPerSec,
      r.summary.walk?.albumsPerSec ?? null,
      r.summary.acceptMs?.p50 ?? null,
      r.summary.acceptMs?.p90 ?? null,
      r.summary.acceptMs?.p99 ?? null,
      r.summary.acceptMs?.max ?? null,
      Object.values(r.summary.errors).reduce((a, b) => a + b, 0),
      fixed(r.serverCores),
      fixed(r.cpuMsPerPage, 3),
      r.summary.cpu.loadCores,
    ]),
  ),
)
console.log(
  `\nstore / bare, median of ${perRound.length} alternating rounds: pages/s ${ratio.pagesPerSec}, p99 ${ratio.p99}, server CPU per page ${ratio.cpuPerPage}` +
    `\n  per round (pages/s, p99, CPU/page): ${ratio.perRound.map((r) => `(${r.join(', ')})`).join(' ')}` +
    `\n  load average before the run: ${loadBefore}, after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
)
console.log(
  `results: ${writeResult('album-pages', { options: values, node: process.version, at: new Date().toISOString(), ratio, runs: results })}`,
)
process.exitCode = results.every((r) => r.summary.ok) ? 0 : 1
