// Micro-benchmark (not a test): what a fault seam costs per call when no fault is set, in ns —
// the check every inbound request, query, publish, produce and cache command pays. The target is
// at most 50 ns. Rows: the bare call; each seam's wrapper around the same call with an empty slot;
// and, for scale, the same seam while a fault is set on another seam of the service (still no hit).
//   node bench/fault-check.ts [--calls 2000000] [--rounds 5]
import { parseArgs } from 'node:util'
import type { Database } from '../src/platform/db/index.ts'
import {
  createFaultRegistry,
  faultyCache,
  faultyDatabase,
  faultyQueue,
  hit,
  parseFault,
} from '../src/platform/faults/index.ts'
import type { Queue } from '../src/platform/queue/index.ts'
import { fixed, median, table } from './support.ts'

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '2000000' }, rounds: { type: 'string', default: '5' } },
})
const CALLS = Number(values.calls)
const ROUNDS = Number(values.rounds)

const faults = createFaultRegistry()
const result = Promise.resolve({ rows: [], rowCount: 0 })
const db = {
  engine: 'pglite',
  query: () => result,
  exec: async () => {},
  transaction: async () => undefined,
  ping: async () => {},
  close: async () => {},
} as unknown as Database
const queue = { kind: 'memory', publish: () => Promise.resolve() } as unknown as Queue
const cache = { read: () => Promise.resolve(undefined) }

const quietDb = faultyDatabase(db, faults.slot('bench', 'db'))
const quietQueue = faultyQueue(queue, faults.slot('bench', 'queue'))
const quietCache = faultyCache(cache, faults.slot('bench', 'cache'), ['read'])
const httpSlot = faults.slot('bench', 'http')
const body = Buffer.from('{}')

// Each seam beside the same call made straight to the adapter: the difference is the seam's check.
const pairs: Record<string, [() => unknown, () => unknown]> = {
  'inbound http (slot check)': [
    () => db.query('SELECT 1'),
    () => (httpSlot.active.length === 0 ? db.query('SELECT 1') : hit(httpSlot, 'error')),
  ],
  'db query': [() => db.query('SELECT 1'), () => quietDb.query('SELECT 1')],
  'queue publish': [
    () => queue.publish({ routingKey: 'q' }, body),
    () => quietQueue.publish({ routingKey: 'q' }, body),
  ],
  'cache (tracking store) read': [() => cache.read(), () => quietCache.read()],
}

// Synchronous loop over calls that return settled promises: measures the wrapper, not the scheduler.
function measure(run: () => unknown): number {
  const started = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) run()
  return Number(process.hrtime.bigint() - started) / CALLS
}

async function main() {
  const results = new Map<string, { bare: number[]; seam: number[] }>()
  for (let round = 0; round < ROUNDS; round++) {
    if (round === ROUNDS - 1) {
      // Last round: a fault on another seam of the service (reception.http), none on these.
      const spec = parseFault({ target: 'reception.http', type: 'latency', ms: 1 }, 'bench').spec
      if (spec) faults.set(spec)
    }
    for (const [name, [bare, seam]] of Object.entries(pairs)) {
      const entry = results.get(name) ?? { bare: [], seam: [] }
      entry.bare.push(measure(bare))
      entry.seam.push(measure(seam))
      results.set(name, entry)
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  faults.clear({}, 'bench')
  process.stdout.write(
    `\n${table(
      ['seam, no fault set', 'bare ns/call', 'through the seam ns/call', 'added ns'],
      [...results].map(([name, r]) => [
        name,
        fixed(median(r.bare), 1),
        fixed(median(r.seam), 1),
        fixed(median(r.seam) - median(r.bare), 1),
      ]),
    )}\n${CALLS} calls × ${ROUNDS} rounds (medians), node ${process.version}; target: added ≤ 50 ns\n`,
  )
}

await main()
