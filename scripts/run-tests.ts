// `npm test`: every test file with node:test. Files under test/drills/ stop and start shared
// servers (RabbitMQ, PostgreSQL, Redis), so they run after the rest, one at a time.
import { globSync } from 'node:fs'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'

const argv = process.argv.slice(2)
const only = argv.filter((a) => !a.startsWith('-'))
const all = globSync(['src/**/*.test.ts', 'test/**/*.test.ts']).sort()
const isDrill = (f: string) => f.startsWith('test/drills/')
// A fragment picks drills only when it names them ("drills", "test/drills/coffee"): a drill stops
// shared servers, so `npm test -- bakery` must not stop RabbitMQ under everyone else's tests.
const picks = (f: string, fragment: string) =>
  f.includes(fragment) && (!isDrill(f) || fragment.includes('drill'))
const selected = only.length > 0 ? all.filter((f) => only.some((o) => picks(f, o))) : all
const phases = [
  { name: 'tests', files: selected.filter((f) => !isDrill(f)), concurrency: 2 },
  { name: 'drills', files: selected.filter(isDrill), concurrency: 1 },
]

const totals = { passed: 0, failed: 0, skipped: 0 }
for (const phase of phases) {
  if (phase.files.length === 0) continue
  process.stdout.write(`\n# ${phase.name}: ${phase.files.length} files\n`)
  const stream = run({ files: phase.files, concurrency: phase.concurrency, timeout: 10 * 60_000 })
  stream.on('test:pass', (event) => {
    if (event.details.type === 'suite') return
    if (event.skip || event.todo) totals.skipped++
    else totals.passed++
  })
  stream.on('test:fail', (event) => {
    if (event.details.type === 'suite') return
    totals.failed++
  })
  await new Promise<void>((resolve, reject) => {
    stream.compose(spec).on('end', resolve).on('error', reject).pipe(process.stdout, { end: false })
  })
}
// The plain closing line CI reads, whatever the reporter printed above.
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
process.exitCode = totals.failed > 0 || totals.passed === 0 ? 1 : 0
