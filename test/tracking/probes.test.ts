// Each hop worker started alone answers the probes on its own port, and readiness tells the
// truth: the tracking store reachable, the broker reachable, the consumer attached.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { type TestContext, test } from 'node:test'
import { startCli } from '../support/cli.ts'
import { uniquePrefix } from '../support/redis.ts'
import { requireServer } from '../support/servers.ts'

async function startAlone(t: TestContext, service: string, env: Record<string, string>): Promise<string> {
  const cli = startCli([service], [service], { PORT: '0', ...env })
  t.after(async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGTERM')
      await once(cli.child, 'exit')
    }
  })
  const urls = await cli.urls
  return urls[service] as string
}

async function probe(url: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}${path}`)
  return { status: response.status, body: await response.text() }
}

for (const service of ['enrichment', 'response-builder']) {
  test(`${service} alone is live and ready when its store, broker and consumer are up`, async (t) => {
    const redis = await requireServer(t, 'redis')
    if (!redis) return
    const url = await startAlone(t, service, { REDIS_URL: redis, BAKERY_TRACKING_PREFIX: uniquePrefix() })
    assert.equal((await probe(url, '/healthz')).status, 200)
    assert.deepEqual(await probe(url, '/-/liveness'), { status: 200, body: 'Live' })
    assert.deepEqual(await probe(url, '/-/readiness'), { status: 200, body: 'Ready' })
    const ready = JSON.parse((await probe(url, '/readyz')).body)
    assert.equal(ready.ready, true)
    assert.deepEqual(Object.keys(ready.checks).sort(), ['consumer', 'queue', 'tracking-store'])
  })
}

test('enrichment alone is live but not ready when Redis cannot be reached', async (t) => {
  // Port 1 on loopback: nothing listens there.
  const url = await startAlone(t, 'enrichment', { REDIS_URL: 'redis://127.0.0.1:1' })
  assert.equal((await probe(url, '/healthz')).status, 200)
  assert.deepEqual(await probe(url, '/-/readiness'), { status: 503, body: 'Not ready' })
  const ready = JSON.parse((await probe(url, '/readyz')).body)
  assert.equal(ready.checks['tracking-store'].ok, false)
  assert.equal(ready.checks.queue.ok, true)
  assert.equal(ready.checks.consumer.ok, true)
})
