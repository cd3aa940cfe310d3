import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadPlatformConfig } from '../config/index.ts'
import { createInfra } from '../infra.ts'
import { createLogger } from '../log/index.ts'
import type { ServiceDeps } from '../service-kit.ts'
import { createTelemetry } from '../telemetry/index.ts'
import { createServiceHttp } from './service-http.ts'

function deps(t: import('node:test').TestContext): ServiceDeps {
  const config = loadPlatformConfig({ BAKERY_BODY_LIMIT_BYTES: '2048' })
  const log = createLogger({ level: 'silent', format: 'json' })
  const telemetry = createTelemetry(config)
  const infra = createInfra(config, log)
  t.after(() => infra.close())
  return { config, log, telemetry: telemetry.forService('svc'), rootTelemetry: telemetry, infra, port: 0 }
}

test('service HTTP: init runs before the port is bound, and routes see what it prepared', async (t) => {
  let prepared: string | undefined
  let boundDuringInit: string | undefined
  const http = createServiceHttp(deps(t), {
    name: 'svc',
    init: async () => {
      boundDuringInit = http.url()
      prepared = 'ready'
    },
    routes(app) {
      app.get('/thing', async () => ({ prepared }))
    },
  })
  await http.start()
  t.after(() => http.stop())
  assert.equal(boundDuringInit, '', 'not listening while init ran')
  const answer = await fetch(`${http.url()}/thing`)
  assert.deepEqual(await answer.json(), { prepared: 'ready' })
  // The config's body limit applies: 2048 bytes, 413 above.
  const big = await fetch(`${http.url()}/thing`, { method: 'POST', body: 'x'.repeat(4096) })
  assert.equal(big.status, 413)
})

test('service HTTP: a failing init stops start-up before the port is bound', async (t) => {
  const http = createServiceHttp(deps(t), {
    name: 'svc',
    init: async () => {
      throw new Error('database is away')
    },
  })
  await assert.rejects(http.start(), /database is away/)
  assert.equal(http.url(), '')
  assert.equal(http.app.server.listening, false)
})
