import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { openTelemetryStore } from '../../src/platform/telemetry/store/index.ts'

const writer = new URL('./batch-writer.ts', import.meta.url).pathname

test('telemetry store keeps every committed batch when its process is SIGKILLed while writing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bakery-crash-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const path = join(dir, 'store.sqlite')
  const child = spawn(process.execPath, [writer, path], { stdio: ['ignore', 'pipe', 'inherit'] })
  let committed = 0
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${committed} spans committed in 60 s`)), 60_000)
    createInterface({ input: child.stdout }).on('line', (line) => {
      committed = Number(line.split(' ')[1])
      // Killed in the middle of the writing loop, after a few batches.
      if (committed >= 5000) {
        clearTimeout(timer)
        child.kill('SIGKILL')
        resolve()
      }
    })
  })
  assert.equal(await exited, 'SIGKILL')

  const store = openTelemetryStore({ location: path, live: false })
  t.after(() => store.close())
  const [run] = store.runs()
  assert.ok(run)
  assert.ok(run.spans >= committed, `${run.spans} spans kept, ${committed} reported committed`)
  assert.equal(run.spans % 1000, 0, 'only whole batches: a batch is one transaction')
  assert.equal(run.endedMs, null, 'the killed run never closed')
})
