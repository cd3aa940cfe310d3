// `bakery fault` against services running as separate processes: the CLI finds the process that
// runs the target from the configured addresses, the fault acts there, another process refuses a
// fault it does not own, and the start and end of the fault are logged by the owner.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { runCli, startCli } from '../support/cli.ts'
import { freePort, stopProcess } from '../support/processes.ts'

const TOKEN = 'faults-cli-test-token'

test('bakery fault set reaches payments in its own process and the effect shows; clear removes it', async (t) => {
  const [paymentsPort, albumStorePort, workerPort] = [await freePort(), await freePort(), await freePort()]
  const env = {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    BAKERY_ADMIN_TOKEN: TOKEN,
    BAKERY_PAYMENTS_PORT: String(paymentsPort),
    BAKERY_ALBUM_STORE_PORT: String(albumStorePort),
    BAKERY_WORKER_PORT: String(workerPort),
  }
  const payments = startCli(['payments'], ['payments'], env)
  const store = startCli(['album-store'], ['album-store'], env)
  t.after(() => Promise.all([stopProcess(payments.child), stopProcess(store.child)]))
  const [{ payments: paymentsUrl }] = await Promise.all([payments.urls, store.urls])
  const pay = () =>
    fetch(`${paymentsUrl}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: randomUUID(), amount: 1 }),
    })
  assert.equal((await pay()).status, 201)

  const set = runCli(['fault', 'set', 'payments.http', 'error', 'status=503', 'rate=1'], env)
  assert.equal(set.status, 0, set.stderr)
  assert.match(
    set.stdout,
    new RegExp(`http://127\\.0\\.0\\.1:${paymentsPort}: payments\\.http +error +active +status=503`),
  )
  assert.equal((await pay()).status, 503, 'the fault acts in the payments process')

  const listed = runCli(['fault', 'list'], env)
  assert.equal(listed.status, 0, listed.stderr)
  assert.match(listed.stdout, /\(payments\)\n {2}payments\.http +error +active/)
  assert.match(listed.stdout, /\(album-store\)\n {2}no faults/)

  // The album store's process does not run payments: it refuses instead of keeping the fault.
  const misdirected = await fetch(`http://127.0.0.1:${albumStorePort}/admin/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ target: 'payments.http', type: 'reset' }),
  })
  assert.equal(misdirected.status, 400)
  assert.match(((await misdirected.json()) as { code: string }).code, /BKR_FAULT_NOT_LOCAL/)

  const bad = runCli(['fault', 'set', 'payments.queue', 'redeliver'], env)
  assert.equal(bad.status, 2)
  assert.match(
    bad.stderr,
    /payments has no seam "queue"; valid: payments\.http, payments\.db, payments\.process/,
  )

  const cleared = runCli(['fault', 'clear', 'payments'], env)
  assert.equal(cleared.status, 0, cleared.stderr)
  assert.match(cleared.stdout, /cleared 1 fault/)
  assert.equal((await pay()).status, 201, 'healthy again after clear')
  const started = payments.lines.find((l) => l.msg === 'fault started')
  const ended = payments.lines.find((l) => l.msg === 'fault ended')
  assert.ok(started && ended, 'the owner logs the start and the end')
  assert.match(String(started.by), /^cli:/)
  assert.deepEqual((started.fault as { target: string }).target, 'payments.http')
})
