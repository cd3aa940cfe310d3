// One order across every signal: its traces (and the traces linked to them), its log lines in
// time order, its journey hops (from the reception's journey API) and the metric exemplars that
// carry its key. Works for a bakery order key and a coffee order id alike.
import type { TraceSummary } from '../platform/telemetry/index.ts'
import type { ExemplarRecord, LogRecord, TelemetryStore } from '../platform/telemetry/store/index.ts'

export interface OrderSignals {
  orderKey: string
  traces: (TraceSummary & { linked: boolean })[]
  logs: LogRecord[]
  journey: { available: boolean; hops?: unknown; view?: unknown; reason?: string }
  exemplars: ExemplarRecord[]
}

const MAX_TRACES = 50

/** The order's traces first, then traces linked to them either way (consumer ↔ producer). */
function tracesOf(store: TelemetryStore, orderKey: string): (TraceSummary & { linked: boolean })[] {
  const own = store.spanQueries.tracesOfOrder(orderKey, MAX_TRACES)
  const linked = new Set<string>()
  for (const traceId of own) {
    for (const span of store.spans.findLinksTo(traceId)) linked.add(span.traceId)
    for (const span of store.spans.getTrace(traceId)) for (const link of span.links) linked.add(link.traceId)
  }
  for (const traceId of own) linked.delete(traceId)
  const ids = [...own.map((id) => [id, false] as const), ...[...linked].map((id) => [id, true] as const)]
  const out: (TraceSummary & { linked: boolean })[] = []
  for (const [traceId, isLinked] of ids.slice(0, MAX_TRACES)) {
    const spans = store.spans.getTrace(traceId)
    if (spans.length === 0) continue
    const root = spans.find((s) => s.parentSpanId === undefined) ?? spans[0]
    const start = Math.min(...spans.map((s) => s.startTimeMs))
    const end = Math.max(...spans.map((s) => s.startTimeMs + s.durationMs))
    out.push({
      traceId,
      rootName: root?.name ?? '',
      rootService: root?.service ?? '',
      startTimeMs: start,
      durationMs: end - start,
      spanCount: spans.length,
      services: [...new Set(spans.map((s) => s.service))],
      error: spans.some((s) => s.status === 'error'),
      linked: isLinked,
    })
  }
  return out.sort((a, b) => a.startTimeMs - b.startTimeMs)
}

async function journeyOf(
  receptionUrl: string | undefined,
  orderKey: string,
): Promise<OrderSignals['journey']> {
  if (!receptionUrl) return { available: false, reason: 'no bakery reception in this build' }
  try {
    const response = await fetch(`${receptionUrl}/orders/${encodeURIComponent(orderKey)}/journey`, {
      signal: AbortSignal.timeout(2000),
    })
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
    if (!response.ok) return { available: false, reason: String(body.message ?? `HTTP ${response.status}`) }
    return { available: true, view: body }
  } catch (error) {
    return {
      available: false,
      reason: `journey API unreachable: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
}

export async function orderSignals(
  store: TelemetryStore,
  orderKey: string,
  receptionUrl: string | undefined,
): Promise<OrderSignals> {
  const traces = tracesOf(store, orderKey)
  const logs = store.logs.search({
    orderKey,
    traceIds: traces.filter((t) => !t.linked).map((t) => t.traceId),
    ascending: true,
    limit: 1000,
  })
  return {
    orderKey,
    traces,
    logs,
    journey: await journeyOf(receptionUrl, orderKey),
    exemplars: store.exemplarsOfOrder(orderKey),
  }
}
