// Real trace backend: Bakery processes export spans through the OpenTelemetry Zipkin exporter
// (OTEL_EXPORTER_ZIPKIN_ENDPOINT) to a real Zipkin server, and Zipkin's API shows them with the
// right service names and parent/child structure.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startCli } from '../support/cli.ts'
import { startSplitOrders } from '../support/isolated-servers.ts'
import { stopProcess, waitFor } from '../support/processes.ts'
import { requireServer } from '../support/servers.ts'
import { startZipkin, type ZipkinSpan } from '../support/zipkin.ts'

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
    signal: AbortSignal.timeout(5_000),
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

test('zipkin shows an order crossing separate reception and baker processes with service names and parents', async (t) => {
  const amqp = await requireServer(t, 'amqp')
  const postgres = await requireServer(t, 'postgres')
  if (!amqp || !postgres) return
  const zipkin = await startZipkin(t)
  const {
    urls: { reception: url },
  } = await startSplitOrders(t, amqp, postgres, { OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint })
  assert.ok(url)

  const accepted = await fetch(`${url}/orders`, {
    signal: AbortSignal.timeout(10_000),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer: 'homer', pastry: 'croissant' }),
  })
  assert.equal(accepted.status, 202)
  const { orderKey } = (await accepted.json()) as { orderKey: string }
  await waitFor('the order finished', 30_000, async () => {
    const response = await fetch(`${url}/orders/${orderKey}`, { signal: AbortSignal.timeout(5_000) })
    const order = (await response.json()) as { status: string }
    return order.status === 'finished' ? true : undefined
  })

  // The order's key finds its traces in Zipkin (span tags), on both sides of the queue.
  const byKey = async (tag: string, root: string) =>
    waitFor(`the ${root} trace tagged ${tag}=${orderKey}`, 30_000, async () => {
      const traces = await zipkin.search(`${tag}=${orderKey}`)
      return traces.find((trace) => trace.some((s) => s.name === root))
    })
  const receptionTrace = await byKey('db.order_key', 'post /orders')
  const bakerTrace = await byKey('bakery.order_key', 'receive-order')

  const one = (trace: ZipkinSpan[], name: string) => {
    const found = trace.filter((s) => s.name === name)
    assert.equal(found.length, 1, `one ${name} span in ${JSON.stringify(trace.map((s) => s.name))}`)
    return found[0] as ZipkinSpan
  }
  const server = one(receptionTrace, 'post /orders')
  const create = one(receptionTrace, 'create-order')
  const publish = await waitFor('publish-order in the reception trace', 20_000, async () => {
    const trace = await zipkin.trace(server.traceId)
    return trace.find((s) => s.name === 'publish-order')
  })
  for (const span of [server, create, publish])
    assert.equal(span.localEndpoint?.serviceName, 'reception', span.name)
  assert.equal(server.kind, 'SERVER')
  assert.equal(server.parentId, undefined, 'the request starts the trace')
  assert.equal(create.parentId, server.id, 'create-order is a child of the request')
  assert.equal(publish.kind, 'PRODUCER')
  assert.equal(publish.parentId, server.id, 'publish-order is a child of the request')

  const receive = one(bakerTrace, 'receive-order')
  const processing = one(bakerTrace, 'processing-order')
  const baking = one(bakerTrace, 'baking')
  for (const span of [receive, processing, baking])
    assert.equal(span.localEndpoint?.serviceName, 'baker', span.name)
  assert.equal(receive.kind, 'CONSUMER')
  assert.notEqual(receive.traceId, server.traceId, 'the consumer starts a new trace (linked, not parented)')
  assert.equal(receive.parentId, undefined)
  assert.equal(processing.parentId, receive.id)
  assert.equal(baking.parentId, processing.id)
  assert.equal(baking.tags?.['baker.pastry'], 'croissant')
})
