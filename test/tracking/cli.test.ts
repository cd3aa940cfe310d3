// The order journey as a user starts it: `bakery start` with the four services, embedded.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import type { JourneyView } from '../../src/tracking/journey.ts'
import { startCli } from '../support/cli.ts'
import { postOrder } from './setup.ts'

test('bakery start runs the order journey and Prefer: wait answers the finished order', async (t) => {
  const cli = startCli(['start', 'reception', 'enrichment', 'baker', 'response-builder'], ['reception'], {
    BAKERY_RECEPTION_PORT: '0',
    BAKERY_WORKER_PORT: '0',
    HOST: '127.0.0.1',
    BAKE_TIME_SCALE: '0.1',
  })
  t.after(async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGTERM')
      await once(cli.child, 'exit')
    }
  })
  const url = (await cli.urls).reception as string
  const posted = await postOrder(url, { customer: 'marge', pastry: 'la bombe' }, { prefer: 'wait=20' })
  assert.equal(posted.status, 200)
  assert.equal(posted.body.status, 'finished')
  const journey = posted.body.journey as JourneyView
  assert.deepEqual(
    journey.hops.map((h) => [h.hop, h.state]),
    [
      ['accepted', 'done'],
      ['enriched', 'done'],
      ['baked', 'done'],
      ['boxed', 'done'],
    ],
  )
  cli.child.kill('SIGTERM')
  const [code] = await once(cli.child, 'exit')
  assert.equal(code, 0)
})
