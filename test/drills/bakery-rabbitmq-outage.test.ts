// Drill: RabbitMQ stops for a few seconds while orders keep coming. No POST may fail (the order
// is stored with its outbox row, the broker is not on the request path), and every accepted order
// must still finish once the broker is back (outbox relay, reconnect, consumers resumed).
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { eventually, postOrder, startBakery } from '../support/bakery.ts'

const run = promisify(execFile)

async function rabbitmqctl(...args: string[]): Promise<void> {
  await run('rabbitmqctl', args, { timeout: 60_000 })
}

test('bakery loses no accepted order when RabbitMQ stops for a few seconds under load', async (t) => {
  const bakery = await startBakery(t, 'real', { bakers: 1 })
  if (!bakery) return
  let stopped = false
  // Registered after startBakery's cleanup, so it runs first: the broker is back before teardown.
  t.after(async () => {
    if (stopped) {
      await rabbitmqctl('start_app')
      await rabbitmqctl('await_startup')
    }
  })

  const accepted: string[] = []
  const failures: string[] = []
  const loadMs = 10_000
  const started = Date.now()
  const worker = async (id: number) => {
    for (let i = 0; i < 5000 && Date.now() - started < loadMs; i++) {
      try {
        const r = await postOrder(bakery.url, { customer: `drill-${id}`, pastry: 'almond croissant' })
        if (r.status === 202) accepted.push(String(r.body.orderKey))
        else failures.push(`${r.status} ${JSON.stringify(r.body)}`)
      } catch (error) {
        failures.push(String(error))
      }
    }
  }
  const outage = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000))
    stopped = true
    await rabbitmqctl('stop_app')
    await new Promise((resolve) => setTimeout(resolve, 4000))
    await rabbitmqctl('start_app')
    await rabbitmqctl('await_startup')
    stopped = false
  })()
  await Promise.all([...Array.from({ length: 16 }, (_, i) => worker(i)), outage])

  assert.deepEqual(failures.slice(0, 5), [], `${failures.length} POSTs failed`)
  assert.ok(accepted.length > 100, `only ${accepted.length} orders accepted`)
  t.diagnostic(`${accepted.length} orders accepted during the drill`)
  await eventually(
    async () => {
      const [row] = await bakery.sql<{ n: string }>(
        "SELECT count(*)::text AS n FROM $schema.orders WHERE status = 'finished'",
      )
      return Number(row?.n) === accepted.length
    },
    90_000,
    `all ${accepted.length} accepted orders finished`,
  )
  const [stored] = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.orders')
  assert.equal(Number(stored?.n), accepted.length)
  await eventually(async () => {
    const [row] = await bakery.sql<{ n: string }>('SELECT count(*)::text AS n FROM $schema.outbox')
    return row?.n === '0'
  }, 30_000)
})
