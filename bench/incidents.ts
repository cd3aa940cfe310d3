// Benchmark (not a test): what an incident run costs in CPU beyond its own load, and how fast its
// symptom shows in the telemetry. Each round runs the incident's load alone, then the whole
// incident (the same load, its faults, the signal watch, metric samples, the ground truth and
// telemetry files); the extra CPU of the second is the run's own cost.
//   node bench/incidents.ts [--incident payments-half-errors] [--seed 7] [--duration 15] [--rounds 2]
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { parseArgs } from 'node:util'
import { findIncident } from '../src/incidents/catalogue.ts'
import { startLoadDriver } from '../src/incidents/load-driver.ts'
import { planIncident } from '../src/incidents/plan.ts'
import { startIncidentStack } from '../test/incidents/support.ts'

const { values } = parseArgs({
  options: {
    incident: { type: 'string', default: 'payments-half-errors' },
    seed: { type: 'string', default: '7' },
    duration: { type: 'string', default: '15' },
    rounds: { type: 'string', default: '2' },
  },
})
const name = values.incident
const seed = Number(values.seed)
const durationS = Number(values.duration)

// The stack helpers take a test context only to register cleanups.
const cleanups: (() => unknown)[] = []
const context = { after: (fn: () => unknown) => cleanups.push(fn) } as unknown as TestContext
const dir = await mkdtemp(join(tmpdir(), 'bakery-bench-incident-'))
const stack = await startIncidentStack(context, [name], { BAKERY_INCIDENT_DIR: dir })
const plan = planIncident(findIncident(name), seed, durationS)

async function cpuPerSecond(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage()
  const started = performance.now()
  await work()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000 / ((performance.now() - started) / 1000)
}

const rows: string[] = []
for (let round = 1; round <= Number(values.rounds); round++) {
  const loadOnly = await cpuPerSecond(async () => {
    const driver = startLoadDriver(plan.load, endpointsOf(), seed)
    await new Promise((resolve) => setTimeout(resolve, durationS * 1000))
    await driver.stop()
  })
  let detect: number | null = null
  const incident = await cpuPerSecond(async () => {
    stack.runner.start({ name, seed, durationS })
    const done = await stack.runner.finished()
    detect = done.groundTruth?.verified.detect_ms ?? null
  })
  const extra = ((incident - loadOnly) / 1000) * 100
  rows.push(
    `round ${round}: load alone ${loadOnly.toFixed(0)} ms CPU/s, incident ${incident.toFixed(0)} ms CPU/s, extra ${extra.toFixed(1)} % of one core, detect ${detect} ms`,
  )
}

function endpointsOf() {
  return {
    urlOf: (kind: string) =>
      ({
        orders: stack.urls.reception,
        coffee: stack.urls['coffee-reception'],
        albums: stack.urls['album-proxy'],
        'albums-by-artist': stack.urls['album-proxy'],
        events: stack.urls['event-api'],
      })[kind],
    poison: async () => {},
  }
}

process.stdout.write(`incident ${name}, seed ${seed}, ${durationS} s per phase\n${rows.join('\n')}\n`)
for (const fn of cleanups.reverse()) await fn()
await rm(dir, { recursive: true, force: true })
process.exit(0)
