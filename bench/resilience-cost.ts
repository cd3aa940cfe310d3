// Micro-benchmark (not a test): what the resilience guards cost per call, in µs, against a call
// that does no I/O, so the share they add to a request can be read off directly.
//   node bench/resilience-cost.ts [--calls 200000] [--rounds 5]
// Rows: the bare call; the database read guard (GET /orders/:key: bulkhead, retry, breaker,
// timeout); a non-idempotent call through a policy (accepted hop on Redis, rate limit); and the
// accepted hop of POST /orders on the embedded store before (withTimeout, a timer per order) and
// after (no policy for a store that cannot be away).
import { parseArgs } from 'node:util'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { databaseReadPolicy, guardedRead } from '../src/platform/db/index.ts'
import { withTimeout } from '../src/platform/lifecycle/index.ts'
import { createLogger } from '../src/platform/log/index.ts'
import { createBreakerRegistry } from '../src/platform/resilience/index.ts'
import { fixed, median, table } from './support.ts'

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } },
})
const CALLS = Number(values.calls)
const ROUNDS = Number(values.rounds)

const scope = {
  log: createLogger({ level: 'silent', format: 'json' }),
  meter: new MeterProvider().getMeter('bench'),
}
const registry = createBreakerRegistry()
const dbReads = databaseReadPolicy(registry, scope)
const policy = registry.policy({ name: 'bench', timeoutMs: 5000, maxAttempts: 2 }, scope)
const work = async () => 1
const kind: string = 'memory'

const variants: Record<string, () => Promise<unknown>> = {
  'bare call': () => work(),
  'database read guard (idempotent, retry)': () => guardedRead(dbReads, work),
  'policy, not idempotent': () => policy.execute(work),
  'accepted hop before: withTimeout': () => withTimeout(work(), 5000, 'timed out'),
  'accepted hop after: embedded store': () => (kind === 'redis' ? policy.execute(work) : work()),
}

async function measure(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint()
  for (let i = 0; i < CALLS; i++) await run()
  return Number(process.hrtime.bigint() - started) / 1000 / CALLS
}

const results = new Map<string, number[]>()
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const list = results.get(name) ?? []
    list.push(await measure(run))
    results.set(name, list)
  }
}
const bare = median(results.get('bare call') ?? [0])
process.stdout.write(
  `\n${table(
    ['variant', 'µs per call (median)', 'added µs'],
    [...results].map(([name, list]) => [name, fixed(median(list), 3), fixed(median(list) - bare, 3)]),
  )}\n${CALLS} calls × ${ROUNDS} rounds, node ${process.version}\n`,
)
