// bakery load says why orders do not finish: against a reception with no baker it stops before the
// load, and when the baker dies during a run it stops the run; both name the queue and exit 1.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { cliPath, startCli } from './support/cli.ts'
import { startSplitOrders } from './support/isolated-servers.ts'
import { stopProcess, waitFor } from './support/processes.ts'
import { requireServer } from './support/servers.ts'

async function load(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cliPath, 'load', '--progress', 'off', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    err += d
  })
  const [code] = await once(child, 'exit')
  return { code: code as number, out, err, child }
}

test('bakery load against a reception without a baker says no baker consumes the queue and exits 1', async (t) => {
  const reception = startCli(['start', 'reception'], ['reception'], {
    HOST: '127.0.0.1',
    BAKERY_RECEPTION_PORT: '0',
    BAKERY_ORDER_JOURNEY: 'false',
    BAKERY_ORDERS_QUEUE: 'orders-nobody-reads',
    LOG_LEVEL: 'info',
  })
  t.after(() => stopProcess(reception.child))
  const { reception: url } = await reception.urls
  assert.ok(url)
  const r = await load(['--url', url, '--vus', '2', '--duration', '5s', '--stall', '2s'], {
    BAKERY_ORDERS_QUEUE: 'orders-nobody-reads',
  })
  assert.equal(r.code, 1, r.err)
  assert.match(
    r.err,
    /before the load, orders stay pending for more than 2 s and none is baking or finishing/,
  )
  assert.match(r.err, /no baker seems to be consuming `orders-nobody-reads`/)
  assert.match(r.err, /npx bakery baker/)
  assert.equal(r.out, '', 'no load was sent, so no summary of one')
})

test('bakery load stops and says so when the baker dies during the run', async (t) => {
  const amqp = await requireServer(t, 'amqp')
  const postgres = amqp && (await requireServer(t, 'postgres'))
  if (!amqp || !postgres) return
  const { urls, baker } = await startSplitOrders(t, amqp, postgres)
  const run = load([
    '--url',
    urls.reception,
    '--rate',
    '20',
    '--duration',
    '60s',
    '--stall',
    '2s',
    '--drain-timeout',
    '1s',
  ])
  // The probe passed and the load runs: then the only baker goes away.
  await waitFor('orders finishing', 30_000, async () => {
    const body = (await (await fetch(`${urls.reception}/orders?status=finished&limit=1`)).json()) as {
      orders: unknown[]
    }
    return body.orders.length > 0 ? true : undefined
  })
  baker.child.kill('SIGKILL')
  const r = await run
  assert.equal(r.code, 1, r.err)
  assert.match(r.err, /stopped: orders stay pending .*\sno baker seems to be consuming `[^`]+`/s)
  assert.match(r.out, /^window .*\(stopped early\)/m)
  assert.match(r.out, /time from accept to finished seen by polling/)
})
