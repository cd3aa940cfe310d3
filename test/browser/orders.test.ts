import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

// Journey mode (the default) routes orders through the tracking hops: enrichment consumes `orders.enrichment`
// and forwards the trace headers, so reception's publish-order is linked from two consumer spans,
// the enrichment's and the baker's. Without the journey only the baker links to it.
const MODES = [
  {
    name: 'journey',
    services: ['reception', 'enrichment', 'baker', 'response-builder'],
    env: {},
    consumers: ['receive-order (baker)', 'receive orders.enrichment (enrichment)'],
  },
  {
    name: 'plain',
    services: ['reception', 'baker'],
    env: { BAKERY_ORDER_JOURNEY: 'false' },
    consumers: ['receive-order (baker)'],
  },
]

for (const mode of MODES) {
  test(`dashboard places an order, watches it reach finished and follows its consumer trace to the producer and back (${mode.name} pipeline)`, async (t) => {
    buildWeb()
    const session = await openBrowser(t)
    if (!session) return
    const stack = await startStack(t, mode.services, mode.env)
    const { page, screenshot } = session

    await session.logIn(stack)
    await page.getByLabel('Customer').fill('marge')
    await page.getByLabel('Pastry').selectOption('croissant')
    await page.getByRole('button', { name: 'Order' }).click()
    await page.waitForURL(/#\/orders\/[0-9a-f]{32}$/)
    const orderKey = page.url().split('/').at(-1) ?? ''
    await page.getByTestId('order-status').getByText('finished').waitFor({ timeout: 20_000 })
    // The journey comes from the tracking pipeline: every hop, the response-builder's last.
    if (mode.name === 'journey') {
      const table = page.getByTestId('journey-table')
      await table.locator('tr[data-hop="boxed"][data-state="done"]').waitFor()
      assert.deepEqual(
        await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-hop'))),
        ['accepted', 'enriched', 'baked', 'boxed'],
      )
    } else await page.getByText(/No journey for this order/).waitFor()
    await screenshot(`orders-finished-${mode.name}`)

    // The consumer trace (baker) links to the producer trace (reception's publish-order).
    await page.getByTestId('order-trace').filter({ hasText: 'receive-order' }).click()
    await page.waitForURL(/#\/traces\/[0-9a-f]{32}$/)
    const consumerUrl = page.url()
    const consumerTrace = consumerUrl.split('/').at(-1) ?? ''
    const consumer = page.getByTestId('span-detail')
    await consumer.getByRole('heading', { name: /receive-order/ }).waitFor()
    assert.match(await consumer.innerText(), new RegExp(`bakery\\.order_key\\s+${orderKey}`))
    await page.getByTestId('link-out').click()
    await page.waitForURL((u) => u.href !== consumerUrl && /#\/traces\/[0-9a-f]{32}\?span=/.test(u.href))
    const producer = page.getByTestId('span-detail')
    await producer.getByRole('heading', { name: /publish-order/ }).waitFor()
    assert.match(await producer.innerText(), new RegExp(`bakery\\.order_key\\s+${orderKey}`))

    // The producer span lists every consumer span that links back to it, and each link leads there.
    const linksIn = producer.getByTestId('link-in')
    await linksIn.first().waitFor()
    const texts = await linksIn.allInnerTexts()
    assert.equal(texts.length, mode.consumers.length, texts.join(' | '))
    for (const consumerName of mode.consumers)
      assert.ok(
        texts.some((text) => text.includes(consumerName)),
        `${consumerName} in ${texts.join(' | ')}`,
      )
    await screenshot(`orders-producer-trace-${mode.name}`)
    await linksIn.filter({ hasText: 'receive-order (baker)' }).click()
    await page.waitForURL(new RegExp(`#/traces/${consumerTrace}\\?span=[0-9a-f]{16}$`))
    await page
      .getByTestId('span-detail')
      .getByRole('heading', { name: /receive-order/ })
      .waitFor()

    // The order list shows it finished, and the flow chart counted it.
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Orders' }).click()
    const row = page.getByRole('row').filter({ hasText: orderKey.slice(0, 12) })
    await row.getByText('finished').waitFor()
    await screenshot(`orders-page-${mode.name}`)
  })
}
