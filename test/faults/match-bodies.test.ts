// A fault's pastry match on the bakery reception acts on every body the reception accepts: the
// reception reads any content type (or none) as JSON and hands the seam the raw bytes, so the seam
// reads them the same way. Sent through the incident load driver (the path one-pastry-fails uses)
// and with each content type by hand.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { startLoadDriver } from '../../src/incidents/load-driver.ts'
import { startServices } from '../support/services.ts'

const TOKEN = 'match-bodies-test-token'

test('a pastry match on reception.http hits that pastry in every body the reception accepts', async (t) => {
  const started = await startServices(t, ['reception', 'baker'], {
    BAKERY_ADMIN_TOKEN: TOKEN,
    BAKE_TIME_SCALE: '0',
    BAKERY_ORDER_JOURNEY: 'false',
    BAKERY_ORDERS_SCHEMA: `t_match_${randomUUID().slice(0, 8)}`,
  })
  const url = started.url
  const set = await fetch(`${url}/admin/faults`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      target: 'reception.http',
      type: 'error',
      status: 500,
      match: { pastry: 'escargot' },
    }),
  })
  assert.equal(set.status, 200, await set.text())

  const order = (pastry: string, contentType: string | undefined) =>
    fetch(`${url}/orders`, {
      method: 'POST',
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body: Buffer.from(JSON.stringify({ customer: 'ann', pastry })),
    })
  for (const contentType of [
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  ]) {
    assert.equal((await order('escargot', contentType)).status, 500, `escargot as ${contentType}`)
    assert.equal((await order('croissant', contentType)).status, 202, `croissant as ${contentType}`)
  }

  // The incident's own load: every pastry of the menu, picked by the seed.
  const driver = startLoadDriver(
    [{ kind: 'orders', rate: 20, startS: 0, endS: 4 }],
    { urlOf: (kind) => (kind === 'orders' ? url : undefined), poison: async () => {} },
    3,
  )
  await new Promise((resolve) => setTimeout(resolve, 4500))
  await driver.stop()
  const sent = driver.sent().orders
  assert.ok(sent && sent.sent >= 10, `sent ${JSON.stringify(sent)}`)
  const metrics = await started.telemetry.forService('reception').metricsText()
  const accepted = (pastry: string) =>
    Number(
      new RegExp(`bakery_orders_accepted_total\\{[^}]*bakery_pastry="${pastry}"[^}]*\\} (\\d+)`).exec(
        metrics,
      )?.[1] ?? 0,
    )
  assert.equal(accepted('escargot'), 0, 'no escargot order was accepted')
  assert.ok(accepted('croissant') > 0, 'the others are')
  assert.ok(sent.failed > 0, 'the load saw the escargot orders fail')
  const failedSpans = started.spans
    .getFinishedSpans()
    .filter((s) => s.name === 'POST /orders' && s.attributes['http.response.status_code'] === 500)
  assert.equal(failedSpans.length, 5 + sent.failed, 'every failed order is one 500 server span')
  // A learner groups the failures by what was ordered: the refused requests say it too.
  assert.deepEqual(
    [...new Set(failedSpans.map((s) => s.attributes['bakery.pastry']))],
    ['escargot'],
    'each failed span names its pastry',
  )
})
