// The memory-leak fault with every service in one process, as `bakery start` runs them: the heap
// (measured after a full collection, so only what is retained counts) grows at the set rate up to
// the cap, and falls back once the fault is cleared.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { catalogue } from '../../src/catalogue.ts'
import { startServicesFor } from '../incidents/support.ts'
import { collectGarbage } from '../support/memory.ts'

const MB = 1024 * 1024

function retainedHeap(): number {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

test('memory-leak grows the heap at its rate up to its cap with the whole stack in one process', async (t) => {
  const token = 'memory-leak-test-token'
  const stack = await startServicesFor(
    t,
    catalogue.map((s) => s.name),
    {
      BAKERY_ADMIN_TOKEN: token,
      BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0',
      BAKERY_DEMO_TRAFFIC: 'false',
      BAKERY_ORDER_JOURNEY: 'false',
    },
  )
  const admin = (method: string, body?: unknown, query = '') =>
    fetch(`${stack.urls.reception}/admin/faults${query}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const mbPerS = 20
  const capMb = 48
  const before = retainedHeap()
  const set = await admin('PUT', { target: 'reception.process', type: 'memory-leak', mbPerS, capMb })
  assert.equal(set.status, 200, await set.text())
  const setAt = performance.now()
  const samples: { s: number; mb: number }[] = []
  for (let i = 0; i < 120; i++) {
    await sleep(250)
    // The clock is read before the collection: the leak cannot grow while it runs.
    const s = (performance.now() - setAt) / 1000
    samples.push({ s, mb: (retainedHeap() - before) / MB })
    if ((samples.at(-1)?.mb ?? 0) >= capMb) break
  }
  t.diagnostic(samples.map((p) => `${p.s.toFixed(1)}s ${p.mb.toFixed(1)}MB`).join(', '))
  // What the fault promises: it holds mbPerS × the time since it was set, up to its cap. A leak tick
  // runs between two samples (its 100 ms period is shorter than theirs), and it tops up to what is
  // owed when it runs, so each sample holds at least what was owed at the one before (less one
  // 0.5 MB chunk): no bound on how fast this busy machine allocates.
  for (let i = 1; i < samples.length; i++) {
    const { s, mb } = samples[i] as { s: number; mb: number }
    const owed = Math.min(capMb, mbPerS * (samples[i - 1] as { s: number }).s) - 0.5
    assert.ok(
      mb >= owed * 0.9,
      `${mb.toFixed(1)} MB retained at ${s.toFixed(2)} s, owed ${owed.toFixed(1)} MB at the sample before`,
    )
  }
  const top = Math.max(...samples.map((p) => p.mb))
  assert.ok(top >= capMb * 0.95, `reached its cap: ${top.toFixed(1)} of ${capMb} MB`)
  await sleep(500)
  assert.ok((retainedHeap() - before) / MB <= capMb + 4, 'stops at its cap')
  assert.equal((await admin('DELETE', undefined, '?target=reception.process&type=memory-leak')).status, 200)
  const after = (retainedHeap() - before) / MB
  t.diagnostic(`after clear ${after.toFixed(1)} MB`)
  assert.ok(after < capMb / 4, `released when cleared: ${after.toFixed(1)} MB left`)
})
