// Drill: one of two barista processes is killed with SIGKILL while it brews. Its unacked orders
// are redelivered to the other barista; items it finished are not brewed again; every accepted
// order ends ready exactly once. The killed barista is started again and joins in.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runLoad, sleep, startStack, verdict } from '../support/coffee-drill.ts'

test('coffee drill: SIGKILL of a barista mid-brew loses and doubles nothing', async (t) => {
  // Slower brews (espresso 150 ms, latte 400 ms) so the kill lands mid-brew.
  const stack = await startStack(t, { baristas: 2, scale: '0.05' })
  if (!stack) return
  const victim = stack.byName('barista-0')
  let faultEndedAt = 0
  let brewingAtKill = 0
  const drill = (async () => {
    await sleep(4000)
    const [row] = await stack.sql<{ n: string }>(
      "SELECT count(*)::text AS n FROM barista.brews WHERE state = 'brewing'",
    )
    brewingAtKill = Number(row?.n)
    const code = await victim.stop('SIGKILL')
    assert.equal(code, null, 'killed, not exited')
    await sleep(2000)
    await victim.start()
    faultEndedAt = Date.now()
  })()
  const load = await runLoad(() => stack.receptionUrl, 12, 12_000)
  await drill
  t.diagnostic(`${brewingAtKill} items were brewing when the barista was killed`)
  assert.ok(brewingAtKill > 0, 'the kill landed while items were brewing')
  await verdict(t, 'barista SIGKILL mid-brew', stack, load, faultEndedAt)
})
