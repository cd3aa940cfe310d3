import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

test('dashboard places an order, watches it reach finished and follows its consumer trace to the producer', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const { url } = await startStack(t, ['reception', 'baker'], { BAKERY_ORDER_JOURNEY: 'false' })
  const { page, screenshot } = session

  await page.goto(url)
  await page.getByLabel('Customer').fill('marge')
  await page.getByLabel('Pastry').selectOption('croissant')
  await page.getByRole('button', { name: 'Order' }).click()
  await page.waitForURL(/#\/orders\/[0-9a-f]{32}$/)
  const orderKey = page.url().split('/').at(-1) ?? ''
  await page.getByTestId('order-status').getByText('finished').waitFor({ timeout: 20_000 })
  // The journey is read from both traces: it ends with the baker's hops.
  await page.getByRole('link', { name: 'Taken by a baker' }).waitFor()
  await screenshot('orders-finished')

  // The consumer trace (baker) links to the producer trace (reception's publish-order).
  await page.getByTestId('order-trace').filter({ hasText: 'receive-order' }).click()
  await page.waitForURL(/#\/traces\/[0-9a-f]{32}$/)
  const consumerUrl = page.url()
  const consumer = page.getByTestId('span-detail')
  await consumer.getByRole('heading', { name: /receive-order/ }).waitFor()
  assert.match(await consumer.innerText(), new RegExp(`bakery\\.order_key\\s+${orderKey}`))
  await page.getByTestId('link-out').click()
  await page.waitForURL((u) => u.href !== consumerUrl && /#\/traces\/[0-9a-f]{32}\?span=/.test(u.href))
  const producer = page.getByTestId('span-detail')
  await producer.getByRole('heading', { name: /publish-order/ }).waitFor()
  assert.match(await producer.innerText(), new RegExp(`bakery\\.order_key\\s+${orderKey}`))
  await producer.getByTestId('link-in').waitFor()
  await screenshot('orders-producer-trace')

  // The order list shows it finished, and the flow chart counted it.
  await page.getByRole('link', { name: 'Orders' }).click()
  const row = page.getByRole('row').filter({ hasText: orderKey.slice(0, 12) })
  await row.getByText('finished').waitFor()
  await screenshot('orders-page')
})
