// Real trace backend: Bakery processes export spans through the OpenTelemetry Zipkin exporter
// (OTEL_EXPORTER_ZIPKIN_ENDPOINT) to a real Zipkin server, and Zipkin's API shows them with the
// right service names and parent/child structure.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCli } from '../support/cli.ts'
import { stopProcess, waitFor } from '../support/processes.ts'
import { startZipkin } from '../support/zipkin.ts'

test('zipkin receives the reception server span under service name reception', async (t) => {
  const zipkin = await startZipkin(t)
  const reception = startCli(['reception'], ['reception'], {
    PORT: '0',
    HOST: '127.0.0.1',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint,
  })
  t.after(() => stopProcess(reception.child))
  const { reception: url } = await reception.urls
  const response = await fetch(`${url}/`, {
    headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` },
  })
  assert.equal(response.status, 200)
  const trace = await waitFor('the trace in zipkin', 30_000, async () => {
    const spans = await zipkin.trace('ab'.repeat(16)).catch(() => [])
    return spans.length > 0 ? spans : undefined
  })
  const server = trace.find((s) => s.kind === 'SERVER')
  assert.ok(server, JSON.stringify(trace))
  assert.equal(server.localEndpoint?.serviceName, 'reception')
  assert.equal(server.parentId, 'cd'.repeat(8), 'the incoming traceparent is the parent')
  assert.equal(server.tags?.['http.route'], '/')
})
