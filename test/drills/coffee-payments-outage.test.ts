// Drill: payments fails half its calls, then goes hard down for 10 s, under load. Orders are
// accepted all along (awaiting_payment while payments is away); the payments breaker opens,
// half-opens and closes; every accepted order ends ready exactly once.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DRILL_TOKEN, runLoad, sleep, startStack, verdict } from '../support/coffee-drill.ts'

interface Breaker {
  name: string
  state: string
  transitions: number
}

test('coffee drill: payments at 50% errors then hard down for 10 s loses and doubles nothing', async (t) => {
  // Two barista processes: the orders that waited for payments are brewed soon after it is back.
  const stack = await startStack(t, { baristas: 2 })
  if (!stack) return
  const admin = (body: unknown) =>
    fetch(`${stack.paymentsUrl}/admin/faults`, {
      method: body === undefined ? 'DELETE' : 'PUT',
      headers: {
        authorization: `Bearer ${DRILL_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const breakers = async () => {
    const response = await fetch(`${stack.receptionUrl}/admin/breakers`, {
      headers: { authorization: `Bearer ${DRILL_TOKEN}` },
    })
    return ((await response.json()) as { breakers: Breaker[] }).breakers.find((b) => b.name === 'payments')
  }
  t.after(() => admin(undefined).catch(() => undefined))

  const seen = new Set<string>()
  let faultEndedAt = 0
  const drill = (async () => {
    await sleep(2000)
    assert.equal((await admin({ errorRate: 0.5 })).status, 200)
    await sleep(4000)
    assert.equal((await admin({ errorRate: 0, down: true })).status, 200)
    for (let i = 0; i < 40; i++) {
      seen.add((await breakers())?.state ?? 'none')
      await sleep(250)
    }
    assert.equal((await admin(undefined)).status, 200)
    faultEndedAt = Date.now()
  })()
  const load = await runLoad(() => stack.receptionUrl, 15, 20_000)
  await drill
  await verdict(t, 'payments 50% errors then down 10 s', stack, load, faultEndedAt)
  const breaker = await breakers()
  assert.ok(seen.has('open'), `the breaker opened while payments was down (saw ${[...seen]})`)
  assert.equal(breaker?.state, 'closed')
  assert.ok((breaker?.transitions ?? 0) >= 3, 'open → half-open → closed at least once')
  assert.equal(load.refused.size, 0, `no order was refused: ${[...load.refused]}`)
})
