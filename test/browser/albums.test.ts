import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildWeb, openBrowser } from '../support/browser.ts'
import { startStack } from '../support/dashboard.ts'

test('album catalog pages through the proxy and filters by artist', async (t) => {
  buildWeb()
  const session = await openBrowser(t)
  if (!session) return
  const stack = await startStack(t, ['album-store', 'album-proxy'], {}, (started) =>
    started['album-store'] ? { ALBUM_STORE_URL: started['album-store'] } : {},
  )
  const { urls } = stack
  // 12 albums of one artist on top of whatever the store seeds: at least two pages of 10.
  for (let i = 0; i < 12; i++) {
    const res = await fetch(`${urls['album-proxy']}/albums`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 9000 + i, title: `Take ${i}`, artist: 'Dashboard Quartet', price: 10 + i }),
    })
    assert.equal(res.status, 201)
  }
  const { page, screenshot } = session
  await session.logIn(stack, '/#/albums')
  await page.getByLabel('Artist').fill('Dashboard Quartet')
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.getByRole('cell', { name: 'Take 0', exact: true }).waitFor()
  assert.equal(await page.locator('tbody tr').count(), 10)
  await screenshot('albums')
  await page.getByRole('button', { name: 'Next →' }).click()
  await page.getByTestId('album-page').getByText('page 2').waitFor()
  await page.getByRole('cell', { name: 'Take 11', exact: true }).waitFor()
  assert.equal(await page.locator('tbody tr').count(), 2)
  assert.equal(await page.getByRole('button', { name: 'Next →' }).isDisabled(), true)
  await page.getByRole('button', { name: '← Previous' }).click()
  await page.getByRole('cell', { name: 'Take 0', exact: true }).waitFor()
})
