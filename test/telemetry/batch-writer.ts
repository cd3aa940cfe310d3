// Child process of the crash test: writes batches of spans to the store at argv[2] and reports
// each committed batch on stdout, until it is killed (or 500 batches, as a bound).
import { randomBytes } from 'node:crypto'
import { openTelemetryStore } from '../../src/platform/telemetry/store/index.ts'

const store = openTelemetryStore({ location: process.argv[2] as string })
const BATCH = 1000
for (let batch = 1; batch <= 500; batch++) {
  const traceId = randomBytes(16).toString('hex')
  for (let i = 0; i < BATCH; i++) {
    store.spans.add({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      parentSpanId: undefined,
      name: `batch-${batch}`,
      kind: 'internal',
      service: 'crash-test',
      startTimeMs: Date.now(),
      durationMs: 1,
      status: 'unset',
      statusMessage: undefined,
      attributes: { batch, i, filler: 'x'.repeat(200) },
      events: [],
      links: [],
    })
  }
  store.flush()
  process.stdout.write(`committed ${batch * BATCH}\n`)
  await new Promise((resolve) => setImmediate(resolve))
}
store.close()
