import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { closeAlbumInfras, startStore } from '../../../test/support/albums.ts'

after(closeAlbumInfras)

test('album store rate limits a client with 429 and Retry-After but keeps probes open', async (t) => {
  const env = { BAKERY_ALBUM_RATE_LIMIT_MAX: '3', BAKERY_ALBUM_RATE_LIMIT_WINDOW_MS: '60000' }
  const { url } = await startStore(t, 'memory://', { env })
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/albums/1`)).status)
  assert.deepEqual(statuses, [200, 200, 200])
  const limited = await fetch(`${url}/albums/1`)
  assert.equal(limited.status, 429)
  assert.equal(limited.headers.get('retry-after'), '60')
  const body = (await limited.json()) as { errors: unknown; message: string }
  assert.equal(body.errors, null)
  assert.match(body.message, /^rate limit exceeded, retry in/)
  assert.equal((await fetch(`${url}/healthz`)).status, 200)
  assert.equal((await fetch(`${url}/metrics`)).status, 200)
})

test('album store sheds load with 503 and Retry-After when its event loop lags', async (t) => {
  const env = { BAKERY_ALBUM_MAX_EVENT_LOOP_DELAY_MS: '5' }
  const { url } = await startStore(t, 'memory://', { env })
  let shed: Response | undefined
  // Block the loop, then ask; bounded: under-pressure samples every second.
  for (let attempt = 0; attempt < 40 && !shed; attempt++) {
    const until = performance.now() + 150
    while (performance.now() < until) {
      // busy: this is the overload
    }
    await sleep(20)
    const response = await fetch(`${url}/albums/1`)
    if (response.status === 503) shed = response
    else await response.arrayBuffer()
  }
  assert.ok(shed, 'a lagging store answered 503')
  assert.equal(shed.headers.get('retry-after'), '1')
  assert.deepEqual(await shed.json(), { errors: null, message: 'album store is overloaded, retry later' })
  assert.equal((await fetch(`${url}/healthz`)).status, 200, 'probes are not shed')
})
