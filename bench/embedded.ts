// Benchmark (not a test): embedded mode, i.e. what `npm start` runs (`bakery start`: every service
// in one process, PGlite and in-process queue and stream). Start-up time to ready, RSS at rest and
// under load, and order throughput.
//   node bench/embedded.ts [--starts 3] [--duration 20s] [--warmup 3s] [--vus 64] [--app-dir DIR]
//                          [--npm] [--orders 2000] [--clients 32] [--rest 10s]
// --npm starts it the README's way (`npm start`) and counts the RSS of the whole process tree
// (npm, its shell and Node). RSS is measured at rest, after --orders orders posted by --clients
// concurrent clients (then at rest again), and under the timed load.
// Every port is set to a free one (never the defaults, which a user's own bakery may hold).
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { PASTRIES } from '../src/bakery/orders/menu.ts'
import { parseDuration, startLoad } from '../src/load/index.ts'
import {
  fixed,
  freePortsEnv,
  median,
  processCpuSeconds,
  processRssMb,
  processTreeCpuSeconds,
  processTreeRssMb,
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
    starts: { type: 'string', default: '3' },
    duration: { type: 'string', default: '20s' },
    warmup: { type: 'string', default: '3s' },
    vus: { type: 'string', default: '64' },
    rest: { type: 'string', default: '10s' },
    npm: { type: 'boolean', default: false },
    orders: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '32' },
    'app-dir': { type: 'string', default: repoRoot },
  },
})

async function startEmbedded(n: number): Promise<Server> {
  const env = await freePortsEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'warn', BAKE_TIME_SCALE: '0' })
  // Embedded means no server URLs at all, whatever the caller's environment says.
  for (const name of [
    'DATABASE_URL',
    'AMQP_URL',
    'REDIS_URL',
    'KAFKA_BROKERS',
    'INFLUX_URL',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ])
    env[name] = name === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? '' : 'memory://'
  // The benchmark's own load only: no demo traffic beside it.
  env.BAKERY_DEMO_TRAFFIC = 'false'
  return startServer({
    name: `embedded-${n}`,
    ...(values.npm
      ? { command: 'npm', args: ['start'] }
      : { args: [join(values['app-dir'], 'src', 'cli.ts'), 'start'] }),
    cwd: values['app-dir'],
    env,
    url: `http://127.0.0.1:${env.BAKERY_RECEPTION_PORT}`,
    probe: '/readyz',
    timeoutMs: 120_000,
  })
}

const rssMb = (pid: number) => (values.npm ? processTreeRssMb(pid) : processRssMb(pid))
const cpuSeconds = (pid: number) => (values.npm ? processTreeCpuSeconds(pid) : processCpuSeconds(pid))

/** The median of RSS samples over the rest period: one sample may catch a GC or an allocation burst. */
async function restingRss(pid: number): Promise<number> {
  const samples: number[] = []
  const until = performance.now() + parseDuration(values.rest)
  while (performance.now() < until) {
    samples.push(rssMb(pid))
    await sleep(500)
  }
  return median(samples)
}

/** Posts `count` orders from `clients` concurrent clients, as a user trying the API would. */
async function postOrders(
  url: string,
  count: number,
  clients: number,
): Promise<{ ok: number; failed: number }> {
  let next = 0
  let ok = 0
  let failed = 0
  const client = async () => {
    while (next < count) {
      const i = next++
      const response = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer: `bench-${i % 97}`, pastry: PASTRIES[i % PASTRIES.length] }),
      })
      await response.arrayBuffer()
      if (response.status === 202) ok++
      else failed++
    }
  }
  await Promise.all(Array.from({ length: clients }, client))
  return { ok, failed }
}

const starts = Number(values.starts)
const readyMs: number[] = []
/** RSS sampled once, right after each start-up's first ready probe: PGlite's start-up shows here. */
const readyRss: number[] = []
progress(`embedded benchmark: ${starts} start-ups, then ${values.vus} users for ${values.duration}`)
let server: Server | undefined
for (let i = 1; i <= starts; i++) {
  server = await startEmbedded(i)
  readyMs.push(server.readyMs)
  readyRss.push(rssMb(server.pid))
  progress(`  start ${i}: ready in ${Math.round(server.readyMs)} ms, RSS ${readyRss.at(-1)} MB`)
  if (i < starts) await server.stop()
}
if (!server) throw new Error('--starts must be at least 1')
try {
  const restRss = await restingRss(server.pid)
  progress(`  at rest: RSS ${restRss} MB; posting ${values.orders} orders from ${values.clients} clients`)
  const posted = await postOrders(server.url, Number(values.orders), Number(values.clients))
  const afterOrdersRss = await restingRss(server.pid)
  progress(`  after ${posted.ok} orders (${posted.failed} refused): RSS ${afterOrdersRss} MB`)
  const rss: number[] = []
  const sampler = setInterval(() => rss.push(rssMb(server.pid)), 500)
  const run = startLoad({
    url: server.url,
    vus: Number(values.vus),
    durationMs: parseDuration(values.duration),
    warmupMs: parseDuration(values.warmup),
  })
  let cpuFrom = 0
  let from = 0
  let serverCores = Number.NaN
  run.on('phase', (phase) => {
    if (phase === 'load') {
      cpuFrom = cpuSeconds(server.pid)
      from = performance.now()
    } else if (phase === 'drain') {
      serverCores = (cpuSeconds(server.pid) - cpuFrom) / ((performance.now() - from) / 1000)
    }
  })
  run.on('progress', progressPrinter('embedded'))
  const summary = await run.done
  clearInterval(sampler)
  const result = {
    startupReadyMs: { median: Math.round(median(readyMs)), all: readyMs.map(Math.round) },
    rssMb: {
      tree: values.npm,
      afterReady: { median: median(readyRss), all: readyRss },
      atRest: restRss,
      afterOrders: afterOrdersRss,
      ordersPosted: posted,
      underLoadMedian: median(rss),
      underLoadMax: Math.max(...rss),
    },
    serverCores: fixed(serverCores, 3),
    summary,
  }
  console.log(
    `\nEmbedded mode (bakery start, every service in one process), ${values.vus} users, bake time 0\n`,
  )
  console.log(
    table(
      [
        'start-up to ready ms (median)',
        'RSS right after ready MB (median)',
        values.npm ? 'RSS of npm start tree at rest MB' : 'RSS at rest MB',
        `RSS after ${values.orders} orders MB`,
        'RSS under load MB (median / max)',
        'accepted/s',
        'p50 ms',
        'p99 ms',
        'lost',
        'server cores',
        'loadgen cores',
      ],
      [
        [
          result.startupReadyMs.median,
          result.rssMb.afterReady.median,
          restRss,
          afterOrdersRss,
          `${result.rssMb.underLoadMedian} / ${result.rssMb.underLoadMax}`,
          summary.acceptedPerSec,
          summary.acceptMs?.p50 ?? null,
          summary.acceptMs?.p99 ?? null,
          summary.completion?.lost ?? null,
          result.serverCores,
          summary.cpu.loadCores,
        ],
      ],
    ),
  )
  console.log(`start-ups (ms): ${result.startupReadyMs.all.join(', ')}`)
  console.log(
    `results: ${writeResult('embedded', { options: values, node: process.version, at: new Date().toISOString(), ...result })}`,
  )
  process.exitCode = summary.ok ? 0 : 1
} finally {
  await server.stop()
}
