import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCli } from './support/cli.ts'

for (const protocol of ['http/protobuf', 'http/json']) {
  test(`dashboard shows the spans of a separate reception process exporting OTLP ${protocol} to it`, async (t) => {
    const dashboard = startCli(['dashboard'], ['dashboard'], { PORT: '0', HOST: '127.0.0.1' })
    t.after(() => dashboard.child.kill('SIGTERM'))
    const { dashboard: dashboardUrl = '' } = await dashboard.urls
    const reception = startCli(['reception'], ['reception'], {
      PORT: '0',
      HOST: '127.0.0.1',
      OTEL_EXPORTER_OTLP_ENDPOINT: dashboardUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      BAKERY_SPAN_STORE_SIZE: '0',
    })
    t.after(() => reception.child.kill('SIGTERM'))
    const { reception: receptionUrl = '' } = await reception.urls
    const requestId = `otlp-${protocol.replace('/', '-')}-${Date.now()}`
    assert.equal((await fetch(`${receptionUrl}/`, { headers: { 'x-request-id': requestId } })).status, 200)

    // The batch span processor exports within a few seconds.
    let traces: { traceId: string; rootService: string }[] = []
    for (let i = 0; i < 100 && traces.length === 0; i++) {
      await sleep(200)
      const query = new URLSearchParams({ service: 'reception', attribute: `http.request.id=${requestId}` })
      traces = (await (await fetch(`${dashboardUrl}/api/traces?${query}`)).json()).traces
    }
    assert.equal(traces.length, 1)
    assert.equal(traces[0]?.rootService, 'reception')
  })
}
