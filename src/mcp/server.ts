// `bakery mcp`: the Model Context Protocol over stdio (the official SDK), so an agent can look at
// the system the way an engineer does: services, traces (and the traces linked to them), logs,
// a metric's recent series; and take part in an incident: list, start, check, submit a diagnosis.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { z } from 'zod'
import type { Config } from '../config.ts'
import { REASONS } from '../incidents/model.ts'
import { cliAdminToken } from '../platform/admin-token.ts'
import { errorMessage } from '../platform/errors.ts'
import { createDashboardClient, type DashboardClient } from './dashboard-client.ts'

type ToolResult = { content: { type: 'text'; text: string }[]; isError?: boolean }

async function answer(work: () => Promise<unknown>): Promise<ToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await work(), null, 1) }] }
  } catch (error) {
    return { content: [{ type: 'text', text: errorMessage(error) }], isError: true }
  }
}

interface TraceBody {
  spans: { links?: { traceId: string }[] }[]
  linkedFrom: { traceId: string }[]
}

/** A trace with the traces linked to it either way (producer ↔ consumer), a few at most. */
async function traceWithLinks(client: DashboardClient, traceId: string, linkedLimit: number) {
  const trace = (await client.get(`/api/traces/${traceId}`)) as TraceBody
  const ids = new Set<string>()
  for (const span of trace.spans) for (const link of span.links ?? []) ids.add(link.traceId)
  for (const from of trace.linkedFrom) ids.add(from.traceId)
  ids.delete(traceId)
  const linked = []
  for (const id of [...ids].slice(0, linkedLimit)) {
    linked.push(
      await client
        .get(`/api/traces/${id}`)
        .catch((error: unknown) => ({ traceId: id, error: errorMessage(error) })),
    )
  }
  return { ...trace, linked }
}

export function createMcpServer(client: DashboardClient): McpServer {
  const server = new McpServer({ name: 'bakery', version: '0.1.0' })
  server.registerTool(
    'list_services',
    { description: 'The services of the system, their system and kind, and how many recent spans each has' },
    () => answer(() => client.get('/api/services')),
  )
  server.registerTool(
    'search_traces',
    {
      description:
        'Recent traces matching a service, span name, attribute (key=value), minimum duration or error',
      inputSchema: {
        service: z.string().max(100).optional(),
        name: z.string().max(200).optional(),
        attribute: z.string().max(400).optional().describe('key=value, e.g. bakery.order_key=…'),
        minDurationMs: z.number().min(0).optional(),
        error: z.boolean().optional(),
        limit: z.number().int().min(1).max(500).optional(),
      },
    },
    (args) => answer(() => client.get('/api/traces', args)),
  )
  server.registerTool(
    'get_trace',
    {
      description: 'All spans of one trace, plus the traces linked to it (queue consumers and producers)',
      inputSchema: {
        traceId: z.string().regex(/^[0-9a-f]{32}$/),
        linked: z.number().int().min(0).max(10).optional().describe('linked traces to include, default 5'),
      },
    },
    ({ traceId, linked }) => answer(() => traceWithLinks(client, traceId, linked ?? 5)),
  )
  server.registerTool(
    'search_logs',
    {
      description:
        'Recent log lines (errors, exceptions, retries) of a service, optionally containing some text',
      inputSchema: {
        service: z.string().max(100).optional(),
        q: z.string().max(200).optional(),
        level: z.enum(['info', 'warn', 'error']).optional(),
        limit: z.number().int().min(1).max(500).optional(),
      },
    },
    (args) => answer(() => client.get('/api/logs', args)),
  )
  server.registerTool(
    'get_metric',
    {
      description:
        'Recent values of one metric of a service (Prometheus name, all series summed); see list_metrics',
      inputSchema: {
        service: z.string().max(100),
        name: z.string().max(200),
        sinceS: z.number().int().min(1).max(3600).optional(),
      },
    },
    (args) => answer(() => client.get('/api/metrics', args)),
  )
  server.registerTool('list_metrics', { description: 'The metric names each service exposes' }, () =>
    answer(() => client.get('/api/metrics/names')),
  )
  server.registerTool(
    'list_incidents',
    { description: 'The incident catalogue (names, symptoms) and the reasons a diagnosis picks from' },
    () => answer(() => client.get('/api/incidents')),
  )
  server.registerTool(
    'start_incident',
    {
      description: 'Starts an incident on the running system (one at a time)',
      inputSchema: {
        name: z.string().max(100),
        seed: z.number().int().min(0).optional(),
        durationS: z.number().min(5).max(600).optional(),
      },
    },
    (args) => answer(() => client.post('/api/incidents/run', args)),
  )
  server.registerTool('incident_status', { description: 'The incident in progress or the last one' }, () =>
    answer(() => client.get('/api/incidents/run')),
  )
  server.registerTool(
    'submit_diagnosis',
    {
      description:
        'Ends the incident and grades the diagnosis: component, reason and time (±60 s), as OpenRCA scores',
      inputSchema: {
        component: z.string().max(200).describe('a service, or <service>.<seam> such as baker.db'),
        reason: z.enum(REASONS),
        time: z
          .union([z.number(), z.string()])
          .describe('when the root cause began: Unix seconds or ISO 8601'),
      },
    },
    (args) => answer(() => client.post('/api/incidents/run/answer', args)),
  )
  return server
}

export async function runMcpServer(config: Config): Promise<void> {
  const token = cliAdminToken(config)
  const server = createMcpServer(
    createDashboardClient(config.dashboardUrl, token ? { authorization: `Bearer ${token}` } : {}),
  )
  await server.connect(new StdioServerTransport())
}
