// `npm run bench [-- name...] [--quick]`: runs the benchmarks one after another, each in its own
// process so none inherits another's heap or JIT state. Never part of `npm test`.
//   orders     bakery orders pipeline vs the reference: traced, untraced, split, the journey and all of
//              `bakery start` in one process (real PostgreSQL + RabbitMQ + Redis)
//   orders-store  the same with the dashboard's telemetry store in memory and on disk
//   embedded   `npm start` as a newcomer runs it: start-up time, RSS of the npm start process tree at
//              rest, after 2,000 orders and under load, throughput
//   albums     album store GET page vs a bare Fastify + pg handler (bench/album-pages.ts)
//   albums-proxy  album store alone and through the proxy (bench/albums.ts)
//   stream     event API ingest vs Kafka's ProducerPerformance, end-to-end lag (bench/stream.ts)
//   tracing    CPU per order of the spans one order produces (micro-benchmark)
//   order-signals  CPU ns of an exemplar point and a per-order log line (micro-benchmark)
// --quick shortens every run (fewer rounds, shorter windows) to check the benches themselves.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot, writeResult } from './support.ts'

// `capture`: the bench prints figures but writes no JSON itself, so its output is kept as JSON here.
const BENCHES: Record<string, { file: string; quick: string[]; args?: string[]; capture?: boolean }> = {
  orders: {
    file: 'orders.ts',
    args: ['--variants', 'reference,traced,untraced,split,journey,everything'],
    quick: ['--rounds', '1', '--duration', '5s', '--warmup', '1s'],
  },
  'orders-store': {
    file: 'orders.ts',
    args: ['--variants', 'memstore,diskstore'],
    quick: ['--rounds', '1', '--duration', '5s', '--warmup', '1s'],
  },
  embedded: {
    file: 'embedded.ts',
    args: ['--npm'],
    quick: ['--starts', '1', '--duration', '5s', '--warmup', '1s', '--orders', '200'],
  },
  albums: { file: 'album-pages.ts', quick: ['--rounds', '1', '--duration', '5s'] },
  'albums-proxy': {
    file: 'albums.ts',
    quick: ['--duration', '3', '--warmup', '1', '--rows', '10000'],
    capture: true,
  },
  stream: {
    file: 'stream.ts',
    quick: ['--rounds', '1', '--seconds', '3', '--records', '200000', '--lag-seconds', '3'],
  },
  tracing: { file: 'tracing-cost.ts', quick: ['--orders', '5000', '--rounds', '2'] },
  'order-signals': { file: 'order-signals.ts', quick: ['--ops', '20000', '--rounds', '2'], capture: true },
}

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const names = args.filter((a) => !a.startsWith('-'))
const selected = names.length > 0 ? names : Object.keys(BENCHES)
let failed = 0
for (const name of selected) {
  const bench = BENCHES[name]
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`)
    process.exit(2)
  }
  const file = join(repoRoot, 'bench', bench.file)
  if (!existsSync(file)) {
    console.log(`\n### ${name}: skipped, ${bench.file} is not in this checkout\n`)
    continue
  }
  console.log(`\n### ${name} (${bench.file})\n`)
  const r = spawnSync(process.execPath, [file, ...(bench.args ?? []), ...(quick ? bench.quick : [])], {
    cwd: repoRoot,
    stdio: ['ignore', bench.capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (bench.capture) {
    process.stdout.write(r.stdout ?? '')
    const lines = (r.stdout ?? '').split('\n').filter(Boolean)
    const file = writeResult(name, {
      bench: bench.file,
      at: new Date().toISOString(),
      status: r.status,
      lines,
    })
    console.log(`results: ${file}`)
  }
  if (r.status !== 0) {
    failed++
    console.log(`\n### ${name}: exit code ${r.status}`)
  }
}
process.exitCode = failed > 0 ? 1 : 0
