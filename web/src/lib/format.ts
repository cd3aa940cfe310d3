// Number and time formatting shared by the pages.
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–'
  if (ms === 0) return '0 ms'
  if (ms < 1) return `${Math.round(ms * 1000)} µs`
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`
}

export function formatClock(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

export function shortId(id: string): string {
  return id.slice(0, 8)
}

export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(v)).join(', ')}]`
  return String(value)
}

/** "key=value" → the trace search's attribute filter; undefined when there is no "=". */
export function parseAttributeFilter(text: string): { key: string; value: string } | undefined {
  const eq = text.indexOf('=')
  if (eq <= 0) return undefined
  return { key: text.slice(0, eq).trim(), value: text.slice(eq + 1).trim() }
}
