import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startCli } from './support/cli.ts'
import { freePort } from './support/service-deps.ts'

async function findTraces(dashboardUrl: string, attribute: string) {
  // The batch span processor exports within a few seconds.
  let traces: { traceId: string; rootService: string }[] = []
  for (let i = 0; i < 100 && traces.length === 0; i++) {
    await sleep(200)
    const query = new URLSearchParams({ service: 'reception', attribute })
    traces = (await (await fetch(`${dashboardUrl}/api/traces?${query}`)).json()).traces
  }
  return traces
}

interface LogLine {
  message: string
  service: string
  orderKey: string | null
  traceId: string | null
  spanId: string | null
  attributes: Record<string, unknown>
}

/** Polls the dashboard's log search until the order's "order accepted" line arrives (exported every second). */
async function findLogs(dashboardUrl: string, orderKey: string): Promise<LogLine[]> {
  let logs: LogLine[] = []
  for (let i = 0; i < 100 && !logs.some((l) => l.message === 'order accepted'); i++) {
    await sleep(200)
    const query = new URLSearchParams({ orderKey, service: 'reception' })
    logs = (await (await fetch(`${dashboardUrl}/api/logs?${query}`)).json()).logs
  }
  return logs
}

for (const protocol of ['http/protobuf', 'http/json']) {
  test(`dashboard shows the spans of a separate reception process exporting OTLP ${protocol} to it`, async (t) => {
    const dashboard = startCli(['dashboard'], ['dashboard'], {
      PORT: '0',
      HOST: '127.0.0.1',
      BAKERY_DASHBOARD_OTLP_GRPC_PORT: '0',
    })
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

    const traces = await findTraces(dashboardUrl, `http.request.id=${requestId}`)
    assert.equal(traces.length, 1)
    assert.equal(traces[0]?.rootService, 'reception')
  })
}

test('dashboard finds the trace of an order from a reception process exporting OTLP over gRPC to its gRPC receiver', async (t) => {
  const grpcPort = await freePort()
  const dashboard = startCli(['dashboard'], ['dashboard'], {
    PORT: '0',
    HOST: '127.0.0.1',
    BAKERY_DASHBOARD_OTLP_GRPC_PORT: String(grpcPort),
  })
  t.after(() => dashboard.child.kill('SIGTERM'))
  const { dashboard: dashboardUrl = '' } = await dashboard.urls
  const reception = startCli(['reception'], ['reception'], {
    PORT: '0',
    HOST: '127.0.0.1',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${grpcPort}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    BAKERY_SPAN_STORE_SIZE: '0',
  })
  t.after(() => reception.child.kill('SIGTERM'))
  const { reception: receptionUrl = '' } = await reception.urls
  const posted = await fetch(`${receptionUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'grpc', pastry: 'croissant' }),
  })
  assert.equal(posted.status, 202)
  const { orderKey } = (await posted.json()) as { orderKey: string }

  const traces = await findTraces(dashboardUrl, `bakery.order_key=${orderKey}`)
  assert.equal(traces.length, 1)
  assert.equal(traces[0]?.rootService, 'reception')
  const trace = (await (await fetch(`${dashboardUrl}/api/traces/${traces[0]?.traceId}`)).json()) as {
    spans: { name: string }[]
  }
  assert.ok(trace.spans.some((s) => s.name === 'create-order'))
  // Only the gRPC receiver listens on the port the reception exported to.
  assert.ok(dashboard.lines.some((l) => l.msg === 'OTLP/gRPC receiver listening'))

  // Its log lines came the same way (OTLP logs over gRPC), tied to the order and the trace.
  const logs = await findLogs(dashboardUrl, orderKey)
  const accepted = logs.find((l) => l.message === 'order accepted')
  assert.equal(accepted?.traceId, traces[0]?.traceId)
})

test('dashboard finds the log lines of a reception process by order key, in /api/logs and the order signals', async (t) => {
  const dashboard = startCli(['dashboard'], ['dashboard'], { PORT: '0', HOST: '127.0.0.1' })
  t.after(() => dashboard.child.kill('SIGTERM'))
  const { dashboard: dashboardUrl = '' } = await dashboard.urls
  const reception = startCli(['reception'], ['reception'], {
    PORT: '0',
    HOST: '127.0.0.1',
    OTEL_EXPORTER_OTLP_ENDPOINT: dashboardUrl,
    BAKERY_SPAN_STORE_SIZE: '0',
  })
  t.after(() => reception.child.kill('SIGTERM'))
  const { reception: receptionUrl = '' } = await reception.urls
  const posted = await fetch(`${receptionUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'logs', pastry: 'croissant' }),
  })
  assert.equal(posted.status, 202)
  const { orderKey } = (await posted.json()) as { orderKey: string }

  const logs = await findLogs(dashboardUrl, orderKey)
  const line = logs.find((l) => l.message === 'order accepted')
  assert.equal(line?.service, 'reception')
  assert.equal(line?.attributes.pastry, 'croissant')
  assert.match(line?.traceId ?? '', /^[0-9a-f]{32}$/)
  assert.match(line?.spanId ?? '', /^[0-9a-f]{16}$/)
  // The same line on the order's page, beside the order's trace that the process exported too.
  let signals: { logs: LogLine[]; traces: { traceId: string }[] } = { logs: [], traces: [] }
  for (let i = 0; i < 100 && signals.traces.length === 0; i++) {
    await sleep(200)
    signals = await (await fetch(`${dashboardUrl}/api/orders/${orderKey}/signals`)).json()
  }
  assert.ok(signals.logs.some((l) => l.message === 'order accepted' && l.spanId === line?.spanId))
  assert.ok(signals.traces.some((trace) => trace.traceId === line?.traceId))
  // The process did not stop writing its lines to stdout.
  assert.ok(reception.lines.some((l) => l.msg === 'order accepted' && l.order_key === orderKey))
})
