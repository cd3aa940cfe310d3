// A hop worker killed mid-work: its hop shows `stalled` once its heartbeats stop, the broker
// redelivers its message to another worker, and the journey finishes.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import type { HopView, JourneyView } from '../../src/tracking/journey.ts'
import { startServices } from '../support/services.ts'
import { getJson, postOrder, setups, startBaker } from './setup.ts'

async function until<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('a killed baker shows stalled, and its order is redelivered and finishes (real servers)', async (t) => {
  const journeyEnv = await setups[1].env(t)
  if (!journeyEnv) return
  const env = {
    ...journeyEnv.env,
    BAKERY_HEARTBEAT_MS: '100',
    BAKERY_STALL_AFTER_MS: '600',
    BAKER_MISTAKE_RATE: '0',
  }
  const bakery = await startServices(t, ['reception', 'enrichment', 'response-builder'], env)
  // croissant: 99 ms × 50 ≈ 5 s in the oven, time enough to kill the baker mid-bake.
  const first = await startBaker(t, { ...env, BAKE_TIME_SCALE: '50' })
  const posted = await postOrder(bakery.url, { customer: 'leela', pastry: 'croissant' })
  assert.equal(posted.status, 202)
  const journeyUrl = `${bakery.url}/orders/${posted.body.orderKey}/journey`
  const baked = async () => ((await getJson(journeyUrl)).body as unknown as JourneyView).hops[2] as HopView

  const working = await until('the baker to beat', 20, async () => {
    const hop = await baked()
    return hop.state === 'working' && hop.heartbeats >= 2 ? hop : undefined
  })
  first.kill('SIGKILL')
  await once(first, 'exit')

  const stalled = await until('the hop to stall', 10, async () => {
    const journey = (await getJson(journeyUrl)).body as unknown as JourneyView
    return journey.status === 'stalled' ? journey : undefined
  })
  assert.equal(stalled.hops[2]?.state, 'stalled')
  assert.equal(stalled.hops[2]?.worker, working.worker)
  const metrics = await (await fetch(`${bakery.url}/metrics`)).text()
  assert.match(metrics, /^tracking_requests_stalled\S* [1-9]/m)

  await startBaker(t, { ...env, BAKE_TIME_SCALE: '0' })
  const finished = await until('the journey to finish', 30, async () => {
    const journey = (await getJson(journeyUrl)).body as unknown as JourneyView
    return journey.status === 'finished' ? journey : undefined
  })
  const hop = finished.hops[2] as HopView
  assert.equal(hop.state, 'done')
  assert.equal(hop.redelivered, true)
  assert.notEqual(hop.worker, working.worker, 'another worker took the hop over')
  assert.equal((await getJson(`${bakery.url}/orders/${posted.body.orderKey}`)).body.status, 'finished')
})
