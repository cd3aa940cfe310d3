// `npm test`: every test file with node:test. Files under test/drills/ stop and start shared
// servers (RabbitMQ, PostgreSQL, Redis), so they run after the rest, one at a time.
// The full run (no file fragments) also measures line coverage of `src/` with Node's built-in
// coverage, child processes included, and fails below the gate in `COVERAGE_GATE_LINES`.
import { globSync } from 'node:fs'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'

/** Lines of `src/` the tests must cover, in percent: full runs measure 96.52-96.76 %; under a point
 * of margin keeps runs that take other branches on a busy machine from failing. Raise, never lower. */
export const COVERAGE_GATE_LINES = 96

const argv = process.argv.slice(2)
const only = argv.filter((a) => !a.startsWith('-'))
// Coverage on the normal run, not a second one; `--coverage` asks for it on a partial run too.
const coverage = (only.length === 0 || argv.includes('--coverage')) && !argv.includes('--no-coverage')
// The CLI turns on Node's compile cache (src/cli.ts); V8 counts no block coverage in functions
// loaded from that cache, so the processes the tests start must compile afresh.
if (coverage) process.env.NODE_DISABLE_COMPILE_CACHE = '1'
const all = globSync(['src/**/*.test.ts', 'test/**/*.test.ts']).sort()
const isDrill = (f: string) => f.startsWith('test/drills/')
// A fragment picks drills only when it names them ("drills", "test/drills/coffee"): a drill stops
// shared servers, so `npm test -- bakery` must not stop RabbitMQ under everyone else's tests.
const picks = (f: string, fragment: string) =>
  f.includes(fragment) && (!isDrill(f) || fragment.includes('drill'))
const selected = only.length > 0 ? all.filter((f) => only.some((o) => picks(f, o))) : all
const phases = [
  { name: 'tests', files: selected.filter((f) => !isDrill(f)), concurrency: 2, coverage },
  // Drills stop servers: what they reach is not counted, so the figure does not depend on them.
  { name: 'drills', files: selected.filter(isDrill), concurrency: 1, coverage: false },
]

const totals = { passed: 0, failed: 0, skipped: 0 }
let covered: { lines: number; branches: number; functions: number } | undefined
for (const phase of phases) {
  if (phase.files.length === 0) continue
  process.stdout.write(`\n# ${phase.name}: ${phase.files.length} files\n`)
  const stream = run({
    files: phase.files,
    concurrency: phase.concurrency,
    timeout: 10 * 60_000,
    ...(phase.coverage
      ? {
          coverage: true,
          coverageIncludeGlobs: ['src/**/*.ts'],
          coverageExcludeGlobs: ['src/**/*.test.ts', 'src/**/gen/**'],
        }
      : {}),
  })
  stream.on('test:pass', (event) => {
    if (event.details.type === 'suite') return
    if (event.skip || event.todo) totals.skipped++
    else totals.passed++
  })
  stream.on('test:fail', (event) => {
    if (event.details.type === 'suite') return
    totals.failed++
  })
  stream.on('test:coverage', (event) => {
    const t = event.summary.totals
    covered = {
      lines: t.coveredLinePercent,
      branches: t.coveredBranchPercent,
      functions: t.coveredFunctionPercent,
    }
  })
  await new Promise<void>((resolve, reject) => {
    stream.compose(spec).on('end', resolve).on('error', reject).pipe(process.stdout, { end: false })
  })
}
// The plain closing lines CI reads, whatever the reporter printed above.
let belowGate = false
if (covered) {
  const f = (n: number) => n.toFixed(2)
  process.stdout.write(
    `\ncoverage of src/: lines ${f(covered.lines)}%, branches ${f(covered.branches)}%, functions ${f(covered.functions)}% (gate: lines >= ${COVERAGE_GATE_LINES}%)\n`,
  )
  if (covered.lines < COVERAGE_GATE_LINES) {
    belowGate = true
    process.stdout.write(
      `coverage gate failed: lines ${f(covered.lines)}% < ${COVERAGE_GATE_LINES}% (scripts/run-tests.ts COVERAGE_GATE_LINES)\n`,
    )
  }
}
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
process.exitCode = totals.failed > 0 || totals.passed === 0 || belowGate ? 1 : 0
