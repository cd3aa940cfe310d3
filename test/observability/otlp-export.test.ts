// Metrics and traces leave a separately started service over OTLP/HTTP (JSON encoding here, so
// the test can read them): what a collector or a vendor endpoint would receive.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { startCli } from '../support/cli.ts'
import { stopProcess, waitFor } from '../support/processes.ts'

interface KeyValue {
  key: string
  value: { stringValue?: string }
}
interface ResourcePayload {
  resource: { attributes: KeyValue[] }
  scopeMetrics?: { metrics: { name: string; unit?: string }[] }[]
  scopeSpans?: { spans: { name: string; kind: number }[] }[]
}

test('a service started alone exports its metrics and spans over OTLP/HTTP with its service.name', async (t) => {
  const received: {
    path: string
    headers: Record<string, unknown>
    body: { resourceMetrics?: ResourcePayload[]; resourceSpans?: ResourcePayload[] }
  }[] = []
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
      })
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  t.after(() => receiver.close())
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`

  const reception = startCli(['reception'], ['reception'], {
    PORT: '0',
    HOST: '127.0.0.1',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=bakery-test',
    OTEL_METRIC_EXPORT_INTERVAL: '300',
  })
  t.after(() => stopProcess(reception.child))
  const { reception: url } = await reception.urls
  assert.equal((await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) })).status, 200)

  const serviceName = (payload: ResourcePayload) =>
    payload.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue
  const metricNames = await waitFor(
    'OTLP metrics with the HTTP and runtime instruments',
    20_000,
    async () => {
      const names = new Set(
        received
          .filter((r) => r.path === '/v1/metrics')
          .flatMap((r) => r.body.resourceMetrics ?? [])
          .filter((p) => serviceName(p) === 'reception')
          .flatMap((p) => (p.scopeMetrics ?? []).flatMap((s) => s.metrics.map((m) => m.name))),
      )
      return names.has('http.server.request.duration') && names.has('v8js.memory.heap.used')
        ? names
        : undefined
    },
  )
  for (const name of ['nodejs.eventloop.delay.p99', 'process.cpu.time', 'process.memory.usage']) {
    assert.ok(metricNames.has(name), name)
  }
  const spans = await waitFor('OTLP spans', 20_000, async () => {
    const found = received
      .filter((r) => r.path === '/v1/traces')
      .flatMap((r) => r.body.resourceSpans ?? [])
      .filter((p) => serviceName(p) === 'reception')
      .flatMap((p) => (p.scopeSpans ?? []).flatMap((s) => s.spans))
    return found.length > 0 ? found : undefined
  })
  assert.ok(
    spans.some((s) => s.name === 'GET /' && s.kind === 2),
    'the server span of GET /',
  )
  assert.ok(
    received.every((r) => r.headers['x-tenant'] === 'bakery-test'),
    'OTEL_EXPORTER_OTLP_HEADERS are sent',
  )
})
