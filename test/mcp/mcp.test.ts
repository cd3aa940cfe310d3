// `bakery mcp` as an agent sees it: the official SDK's client spawns it over stdio and calls its
// tools against a running stack (the dashboard's API behind them).
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { startStack } from '../support/dashboard.ts'

type Text = { content: { type: string; text: string }[]; isError?: boolean }

test('bakery mcp serves services, traces with links, logs, metrics and incidents to the SDK client', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bakery-mcp-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const stack = await startStack(
    t,
    ['payments', 'coffee-reception', 'barista'],
    { BAKE_TIME_SCALE: '0.05', BAKERY_INCIDENT_DIR: dir },
    (started) => (started.payments ? { BAKERY_PAYMENTS_URL: started.payments } : {}),
  )
  // A few coffee orders, so there are traces (reception → queue → barista, linked) to look at.
  // A busy machine may shed a request (503 under pressure): try a bounded number of times.
  let accepted = 0
  for (let i = 0; i < 30 && accepted < 3; i++) {
    const response = await fetch(`${stack.urls['coffee-reception']}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `agent ${i}`, items: [{ type: 'espresso', size: 'small' }] }),
    })
    if (response.status === 201) accepted++
    else await new Promise((resolve) => setTimeout(resolve, 300))
  }
  assert.equal(accepted, 3)
  // The barista's side of each order ends a little later.
  await new Promise((resolve) => setTimeout(resolve, 2000))

  const client = new Client({ name: 'bakery-test', version: '1.0.0' })
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['src/cli.ts', 'mcp'],
    env: {
      PATH: process.env.PATH ?? '',
      BAKERY_DASHBOARD_URL: stack.url,
      BAKERY_ADMIN_TOKEN: stack.token,
      LOG_LEVEL: 'silent',
    },
    stderr: 'pipe',
  })
  await client.connect(transport)
  t.after(() => client.close())
  const call = async (name: string, args: Record<string, unknown> = {}) => {
    const result = (await client.callTool({ name, arguments: args })) as Text
    assert.notEqual(result.isError, true, `${name}: ${result.content[0]?.text}`)
    return JSON.parse(result.content[0]?.text ?? 'null') as Record<string, unknown>
  }

  const tools = (await client.listTools()).tools.map((tool) => tool.name).sort()
  for (const name of [
    'list_services',
    'search_traces',
    'get_trace',
    'search_logs',
    'get_metric',
    'list_incidents',
    'start_incident',
    'submit_diagnosis',
  ]) {
    assert.ok(tools.includes(name), `tool ${name}`)
  }
  const services = (await call('list_services')).services as { name: string; recentSpans: number }[]
  assert.ok(services.find((s) => s.name === 'coffee-reception' && s.recentSpans > 0))

  const found = (await call('search_traces', { service: 'coffee-reception', limit: 5 })).traces as {
    traceId: string
  }[]
  assert.ok(found.length > 0)
  const traces = await Promise.all(found.map((f) => call('get_trace', { traceId: f.traceId })))
  assert.ok(traces.every((tr) => Array.isArray(tr.spans) && (tr.spans as unknown[]).length > 0))
  assert.ok(
    traces.some((tr) => (tr.linked as unknown[]).length > 0),
    'a coffee order trace comes with the barista trace linked to it',
  )

  const metric = await call('get_metric', {
    service: 'coffee-reception',
    name: 'http_server_request_duration',
  })
  assert.ok((metric.points as unknown[]).length > 0)
  // Logs come from the telemetry store of the process running the dashboard (bakery start opens
  // it); this stack has none, and the tool says so instead of answering an empty list.
  const logs = (await client.callTool({ name: 'search_logs', arguments: { service: 'barista' } })) as Text
  assert.equal(logs.isError, true)
  assert.match(logs.content[0]?.text ?? '', /no telemetry store/)

  const listed = await call('list_incidents')
  assert.ok((listed.incidents as unknown[]).length >= 10)
  const started = (await call('start_incident', { name: 'payments-half-errors', seed: 3, durationS: 6 }))
    .run as {
    caseId: string
  }
  assert.match(started.caseId, /^payments-half-errors-s3-/)
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const graded = (
    await call('submit_diagnosis', {
      component: 'payments',
      reason: 'dependency errors',
      time: new Date(Date.now() - 2000).toISOString(),
    })
  ).run as { grade: { score: number } }
  assert.equal(graded.grade.score, 1)

  const refused = (await client.callTool({
    name: 'start_incident',
    arguments: { name: 'no-such-incident' },
  })) as Text
  assert.equal(refused.isError, true)
  assert.match(refused.content[0]?.text ?? '', /unknown incident/)
})
