import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

const fixture = new URL('../../../test/fixtures/slow-service.ts', import.meta.url)

test('SIGTERM lets a request in flight complete, refuses new work, cleans up and exits 0', async (t) => {
  const child = spawn(process.execPath, [fixture.pathname], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  const lines: Record<string, unknown>[] = []
  let resolveUrl: (url: string) => void = () => {}
  const urlReady = new Promise<string>((resolve) => {
    resolveUrl = resolve
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const entry = JSON.parse(line) as Record<string, unknown>
    lines.push(entry)
    if (entry.msg === 'listening') resolveUrl(String(entry.url))
  })
  const url = await urlReady
  const inFlight = fetch(`${url}/slow`)
  await sleep(200)
  child.kill('SIGTERM')
  await sleep(100)
  const refused = await fetch(`${url}/slow`).then(
    (r) => r.status,
    () => 'connection refused',
  )
  const response = await inFlight
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { done: true })
  assert.ok(refused === 503 || refused === 'connection refused', `new request got ${refused}`)
  const [code] = await once(child, 'exit')
  assert.equal(code, 0)
  assert.ok(lines.some((l) => l.msg === 'cleanup done' && l.cleanedUp === true))
  assert.ok(lines.some((l) => l.msg === 'stopped' && l.code === 0))
})
