// Turns a trace's spans into waterfall rows: depth-first by parent, siblings by start time, with
// each bar's offset and width as a share of the trace's duration.
import type { Span } from './types.ts'

export interface WaterfallRow {
  span: Span
  depth: number
  offsetPct: number
  widthPct: number
}

export interface Waterfall {
  startMs: number
  durationMs: number
  rows: WaterfallRow[]
}

export function buildWaterfall(spans: readonly Span[]): Waterfall {
  if (spans.length === 0) return { startMs: 0, durationMs: 0, rows: [] }
  const startMs = Math.min(...spans.map((s) => s.startTimeMs))
  const endMs = Math.max(...spans.map((s) => s.startTimeMs + s.durationMs))
  const durationMs = Math.max(endMs - startMs, 0.001)
  const ids = new Set(spans.map((s) => s.spanId))
  const children = new Map<string | undefined, Span[]>()
  for (const span of spans) {
    // A parent outside this trace's stored spans (evicted, or in another process) makes a root.
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined
    const list = children.get(parent) ?? []
    list.push(span)
    children.set(parent, list)
  }
  for (const list of children.values()) list.sort((a, b) => a.startTimeMs - b.startTimeMs)
  const rows: WaterfallRow[] = []
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      rows.push({
        span,
        depth,
        offsetPct: ((span.startTimeMs - startMs) / durationMs) * 100,
        widthPct: Math.max((span.durationMs / durationMs) * 100, 0.2),
      })
      visit(span.spanId, depth + 1)
    }
  }
  visit(undefined, 0)
  return { startMs, durationMs, rows }
}
