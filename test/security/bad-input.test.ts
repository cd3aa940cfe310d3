// Bad inputs against the real services (embedded stores): each a 4xx naming the field,
// never a 5xx, and none of them trips a breaker that other clients depend on.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { startStack } from '../support/dashboard.ts'
import { waitFor } from '../support/processes.ts'

const TOKEN = 'bad-input-test-token'
const json = { 'content-type': 'application/json' }

async function ready(url: string) {
  await waitFor(`${url} ready`, 60_000, async () =>
    (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) })).ok ? true : undefined,
  )
}

/** One POST; a load-shedding 503 (a busy test machine) is retried, a bounded number of times. */
async function post(url: string, body: unknown) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method: 'POST', headers: json, body: JSON.stringify(body) })
    const text = await res.text()
    if (res.status !== 503 || !text.includes('BKR_HTTP_OVERLOADED') || attempt === 20)
      return { status: res.status, text }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

test('services answer 400 naming the field to text a database cannot store, and to a sub-cent payment', async (t) => {
  const { urls } = await startStack(
    t,
    ['reception', 'coffee-reception', 'payments', 'album-store', 'album-proxy'],
    { BAKERY_ADMIN_TOKEN: TOKEN },
    (started) => (started['album-store'] ? { ALBUM_STORE_URL: started['album-store'] } : {}),
  )
  for (const url of Object.values(urls)) await ready(url)
  const cases: [string, string, unknown, string][] = [
    ['reception NUL', `${urls.reception}/orders`, { customer: 'a\u0000b', pastry: 'croissant' }, 'customer'],
    [
      'reception surrogate',
      `${urls.reception}/orders`,
      { customer: 'a\ud800', pastry: 'croissant' },
      'customer',
    ],
    [
      'coffee NUL',
      `${urls['coffee-reception']}/orders`,
      { name: 'a\u0000b', items: [{ type: 'espresso', size: 'small' }] },
      'name',
    ],
    [
      'album NUL',
      `${urls['album-store']}/albums`,
      { id: 4242, title: 'a\u0000', artist: 'x', price: 1 },
      'title',
    ],
    ['album key NUL', `${urls['album-store']}/albums`, { 'x\u0000': 1 }, 'body'],
    ['payments 1e-9', `${urls.payments}/payments`, { orderId: randomUUID(), amount: 1e-9 }, 'amount'],
  ]
  for (const [name, url, body, field] of cases) {
    const res = await post(url, body)
    assert.equal(res.status, 400, `${name}: ${res.text}`)
    assert.match(res.text, new RegExp(`"field":"${field}`), name)
  }
})

test('five bad album POSTs through the proxy leave its breaker closed for everyone else', async (t) => {
  const { urls } = await startStack(
    t,
    ['album-store', 'album-proxy'],
    { BAKERY_ADMIN_TOKEN: TOKEN },
    (started) => (started['album-store'] ? { ALBUM_STORE_URL: started['album-store'] } : {}),
  )
  await ready(urls['album-store'] as string)
  const proxy = urls['album-proxy'] as string
  for (let i = 0; i < 5; i++) {
    const res = await post(`${proxy}/albums`, { id: 5000 + i, title: `bad\u0000${i}`, artist: 'x', price: 1 })
    assert.equal(res.status, 400)
  }
  const { breakers } = (await (
    await fetch(`${proxy}/admin/breakers`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as { breakers: { state: string }[] }
  assert.ok(breakers.length > 0)
  for (const breaker of breakers) assert.equal(breaker.state, 'closed')
  assert.equal((await fetch(`${proxy}/albums`)).status, 200)
})

test('aggregator answers 400 to repeated, malformed and huge windows and to a live bucket under 1 s', async (t) => {
  const { urls } = await startStack(t, ['aggregator'])
  const api = urls.aggregator as string
  for (const query of [
    'window=1m&window=2m',
    'bucket=1s&bucket=2s',
    `window=${'9'.repeat(300)}`,
    'window=%00',
    'window=1e9',
  ]) {
    const res = await fetch(`${api}/api?${query}`)
    assert.equal(res.status, 400, query)
  }
  assert.equal((await fetch(`${api}/api/stream?bucket=100ms`)).status, 400)
  assert.equal((await fetch(`${api}/api?window=1m&bucket=10s`)).status, 200)
})

test('reception holds at most BAKERY_MAX_PREFER_WAITS waiting orders and answers 503 + Retry-After beyond, before taking the order', async (t) => {
  const { startServices } = await import('../support/services.ts')
  // No baker: a waiting order is never finished, so the first request holds its slot for 3 s.
  const bakery = await startServices(t, ['reception'], {
    BAKERY_MAX_PREFER_WAITS: '1',
    BAKERY_TRACKING_PREFIX: `t${randomUUID()}`,
  })
  const order = (prefer?: string) =>
    fetch(`${bakery.url}/orders`, {
      method: 'POST',
      headers: { ...json, ...(prefer ? { prefer } : {}) },
      body: JSON.stringify({ customer: 'wait', pastry: 'croissant' }),
    })
  const first = order('wait=3')
  await new Promise((resolve) => setTimeout(resolve, 500))
  const second = await order('wait=3')
  assert.equal(second.status, 503)
  assert.equal(second.headers.get('retry-after'), '1')
  assert.equal((await order()).status, 202, 'an order without Prefer: wait is taken as usual')
  assert.equal((await first).status, 202)
  assert.equal((await order('wait=1')).status, 202, 'the slot is free again')
})

test('event API refuses an event time no store can hold (8.64e15 ms) with 400 naming time', async (t) => {
  const { urls } = await startStack(t, ['event-api'])
  const res = await post(`${urls['event-api']}/`, [{ time: 8.64e15, amount: '1.5' }])
  assert.equal(res.status, 400, res.text)
  assert.match(res.text, /time/)
  assert.equal((await post(`${urls['event-api']}/`, [{ time: Date.now(), amount: '1.5' }])).status, 200)
})
