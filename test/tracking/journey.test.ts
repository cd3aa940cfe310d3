// The order journey end to end: reception (entrypoint) → enrichment → baker → response-builder,
// embedded and on the real servers.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Agent } from 'undici'
import type { HopView, JourneyView } from '../../src/tracking/journey.ts'
import { redisClient, subscriberClients } from '../support/redis.ts'
import { startServices } from '../support/services.ts'
import { getJson, JOURNEY_SERVICES, postOrder, setups } from './setup.ts'

const HOP_ORDER = ['accepted', 'enriched', 'baked', 'boxed']

function checkJourney(journey: JourneyView): { sumLatency: number; sumQueued: number } {
  assert.equal(journey.status, 'finished')
  assert.deepEqual(
    journey.hops.map((h) => h.hop),
    HOP_ORDER,
  )
  let previous: HopView | undefined
  let sumLatency = 0
  let sumQueued = 0
  for (const hop of journey.hops) {
    assert.equal(hop.state, 'done', `${hop.hop} is done`)
    assert.ok(hop.worker, `${hop.hop} names its worker`)
    assert.ok(hop.start && hop.end && hop.latencyMs !== null && hop.latencyMs >= 0)
    if (previous) {
      // In order: each hop starts and ends after the one before it.
      assert.ok(hop.start >= (previous.start as string), `${hop.hop} starts after ${previous.hop}`)
      assert.ok(hop.end >= (previous.end as string), `${hop.hop} ends after ${previous.hop}`)
      assert.ok(hop.queuedMs !== null)
      sumQueued += hop.queuedMs
    }
    sumLatency += hop.latencyMs
    previous = hop
  }
  assert.ok(journey.totalMs !== null)
  // Work plus queue waits is the whole journey, to the microsecond.
  assert.ok(Math.abs(sumLatency + sumQueued - journey.totalMs) < 0.01, JSON.stringify(journey))
  return { sumLatency, sumQueued }
}

for (const setup of setups) {
  describe(`order journey (${setup.name})`, () => {
    test('journey lists every hop in order with latencies adding up to the total', async (t) => {
      const journeyEnv = await setup.env(t)
      if (!journeyEnv) return
      const bakery = await startServices(t, JOURNEY_SERVICES, { ...journeyEnv.env, BAKE_TIME_SCALE: '0.2' })
      const posted = await postOrder(
        bakery.url,
        { customer: 'homer', pastry: 'croissant' },
        { prefer: 'wait=20' },
      )
      assert.equal(posted.status, 200, JSON.stringify(posted.body))
      assert.equal(posted.headers.get('preference-applied'), 'wait=20')
      const key = posted.body.orderKey as string
      assert.match(key, /^[0-9a-f]{32}$/)
      assert.equal(posted.body.status, 'finished')
      assert.equal(posted.body.customer, 'homer')
      assert.equal(posted.body.pastry, 'croissant')
      const { sumLatency, sumQueued } = checkJourney(posted.body.journey as JourneyView)
      const total = (posted.body.journey as JourneyView).totalMs as number
      // The queue hand-offs are the only time not spent in a hop; print the figures.
      console.log(
        `# ${setup.name}: total ${total} ms = hops ${sumLatency.toFixed(3)} + queues ${sumQueued.toFixed(3)}`,
      )
      // A sanity bound only (a loaded CI machine slows the broker); the figures are printed above.
      assert.ok(Math.abs(total - sumLatency) < 1000, `queue hand-offs took ${total - sumLatency} ms`)

      const journey = await getJson(`${bakery.url}/orders/${key}/journey`)
      assert.equal(journey.status, 200)
      checkJourney(journey.body as unknown as JourneyView)
      assert.deepEqual(journey.body.hops, (posted.body.journey as JourneyView).hops)
      const order = await getJson(`${bakery.url}/orders/${key}`)
      assert.equal(order.body.status, 'finished')
      const enrichment = posted.body.enrichment as Record<string, unknown>
      assert.equal(enrichment.customerOrders, 1)
      assert.deepEqual(enrichment.bakeProfile, { bakeMs: 99, mistakeRate: 0.1 })

      // One span per hop, carrying the hop's latency.
      const hopSpans = bakery.spans
        .getFinishedSpans()
        .filter((s) => s.name.startsWith('hop ') && s.attributes['bakery.order_key'] === key)
      assert.deepEqual(hopSpans.map((s) => s.name).sort(), [
        'hop accepted',
        'hop baked',
        'hop boxed',
        'hop enriched',
      ])
      for (const span of hopSpans) assert.equal(typeof span.attributes['tracking.hop.latency_ms'], 'number')
      const metrics = await (await fetch(`${bakery.url}/metrics`)).text()
      assert.match(
        metrics,
        /^tracking_hop_duration_milliseconds_count\{[^}]*tracking_hop="accepted"[^}]*\} 1$/m,
      )
      assert.match(metrics, /^tracking_requests_in_flight\S* 0$/m)
      const boxed = await bakery.telemetry.forService('response-builder').metricsText()
      assert.match(boxed, /^tracking_journey_duration_milliseconds_count\S* 1$/m)
    })

    test('journey answers 404 for an unknown order and 400 for a bad key', async (t) => {
      const journeyEnv = await setup.env(t)
      if (!journeyEnv) return
      const bakery = await startServices(t, JOURNEY_SERVICES, journeyEnv.env)
      assert.equal((await getJson(`${bakery.url}/orders/${'0'.repeat(32)}/journey`)).status, 404)
      const bad = await getJson(`${bakery.url}/orders/not-a-key/journey`)
      assert.equal(bad.status, 400)
      assert.equal(bad.body.code, 'BKR_HTTP_VALIDATION')
    })

    test('Prefer: wait answers 202 as usual when the wait runs out', async (t) => {
      const journeyEnv = await setup.env(t)
      if (!journeyEnv) return
      // croissant bakes 99 ms × 30 ≈ 3 s: longer than a 1 s wait.
      const bakery = await startServices(t, JOURNEY_SERVICES, { ...journeyEnv.env, BAKE_TIME_SCALE: '30' })
      const posted = await postOrder(
        bakery.url,
        { customer: 'fry', pastry: 'croissant' },
        { prefer: 'wait=1' },
      )
      assert.equal(posted.status, 202)
      assert.deepEqual(Object.keys(posted.body), ['orderKey'])
      const plain = await postOrder(bakery.url, { customer: 'fry', pastry: 'croissant' })
      assert.equal(plain.status, 202)
      assert.equal(plain.headers.get('preference-applied'), null)
    })
  })
}

describe('order journey waits (real Redis)', () => {
  test('Prefer: wait returns the finished order while Redis sees no polling', async (t) => {
    const journeyEnv = await setups[1].env(t)
    if (!journeyEnv?.redis) return
    const { prefix } = journeyEnv
    const bakery = await startServices(t, JOURNEY_SERVICES, {
      ...journeyEnv.env,
      BAKE_TIME_SCALE: '8', // croissant: ~0.8 s in the oven, heartbeats every 50 ms
      BAKER_MISTAKE_RATE: '0',
      BAKERY_HEARTBEAT_MS: '50',
    })
    const admin = redisClient(t, journeyEnv.redis, prefix)
    const monitor = await admin.monitor()
    monitor.on('error', () => {})
    t.after(() => monitor.disconnect())
    const commands: string[] = []
    // Commands the tracking writes' scripts run inside Redis (source "lua") are writes, not reads
    // by a waiter: they count by their own name (evalsha).
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua') return
      if (args.some((a) => a.includes(`${prefix}r:`) || a.includes(`${prefix}done:`)))
        commands.push(String(args[0]).toLowerCase())
    })
    const posted = await postOrder(
      bakery.url,
      { customer: 'bender', pastry: 'croissant' },
      { prefer: 'wait=20' },
    )
    assert.equal(posted.status, 200)
    const baked = (posted.body.journey as JourneyView).hops[2] as HopView
    assert.ok((baked.latencyMs ?? 0) >= 700, 'the request waited while the baker worked')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const count = (name: string) => commands.filter((c) => c === name).length
    const tally = Object.fromEntries([...new Set(commands)].map((c) => [c, count(c)]))
    console.log(`# commands on the record during one waited order: ${JSON.stringify(tally)}`)
    // Heartbeats wrote to the record all along (hincrby), yet the record was read only by the
    // waiting request, when it began and when the completion was announced: no hop reads it.
    // Polling would read again and again while the baker works.
    assert.ok(count('hincrby') >= 5, `heartbeats: ${count('hincrby')}`)
    assert.equal(count('exists'), 0)
    assert.ok(count('hgetall') <= 2, `record reads: ${count('hgetall')}`)
    assert.equal(count('get'), 0)
    assert.equal(count('hget'), 0)
  })

  test('200 concurrent waiting requests share one subscriber connection', async (t) => {
    const journeyEnv = await setups[1].env(t)
    if (!journeyEnv?.redis) return
    // No baker yet: every order waits until all 200 requests are waiting at once.
    const bakery = await startServices(t, ['reception', 'enrichment', 'response-builder'], journeyEnv.env)
    const admin = redisClient(t, journeyEnv.redis)
    const pastries = ['croissant', 'kouign-amann', 'la bombe', 'escargot', 'almond croissant', 'profiterole']
    // One connection per waiting request, opened a few at a time (a burst of 200 connects can
    // overflow the listen backlog); a failed request fails the test at once.
    const agent = new Agent({ connections: 256 })
    t.after(() => agent.close())
    const posts: Promise<Awaited<ReturnType<typeof postOrder>>>[] = []
    let failure: unknown
    for (let i = 0; i < 200; i++) {
      const order = { customer: `c${i % 20}`, pastry: pastries[i % pastries.length] as string }
      const post = postOrder(bakery.url, order, { prefer: 'wait=30' }, agent)
      post.catch((error: unknown) => {
        failure = error
      })
      posts.push(post)
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const name = `bakery-tracking:${process.pid}`
    let waiting = 0
    for (let i = 0; i < 600 && waiting < 200 && !failure; i++) {
      const metrics = await (await fetch(`${bakery.url}/metrics`)).text()
      waiting = Number(/^tracking_waits_active\S* (\d+)/m.exec(metrics)?.[1] ?? 0)
      if (waiting < 200) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.equal(failure, undefined)
    assert.equal(waiting, 200)
    const subscribers = await subscriberClients(admin, name)
    console.log(`# ${waiting} requests waiting at once; subscriber connections: ${subscribers}`)
    assert.equal(subscribers, 1)
    // The baker joins (its own process's worth of infra, on the same servers) and they all finish.
    await startServices(t, ['baker'], { ...journeyEnv.env, BAKE_TIME_SCALE: '0' })
    const results = await Promise.all(posts)
    assert.deepEqual(
      results.map((r) => r.status),
      results.map(() => 200),
    )
    assert.equal(await subscriberClients(admin, name), 1)
  })
})
