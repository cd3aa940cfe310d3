// Recent metric values of the services in this process, sampled from their Prometheus text at a
// fixed interval into a bounded history: what the verifier, the exports and the agent API read.

export interface MetricPoint {
  readonly timeMs: number
  readonly service: string
  /** The series: metric name with its labels, as exposed (`name{label="v"}`). */
  readonly series: string
  readonly name: string
  readonly value: number
}

export interface MetricHistory {
  /** Takes one sample of every service now. */
  sample(): Promise<void>
  start(): void
  stop(): void
  /** The summed value of `name` (all series) per sample time, oldest first. */
  series(service: string, name: string, sinceMs?: number): { timeMs: number; value: number }[]
  /** The newest summed value of `name`, undefined when never seen. */
  latest(service: string, name: string): number | undefined
  /** Every point between the two times (exports). */
  points(fromMs: number, toMs: number): MetricPoint[]
  /** Metric names seen per service. */
  names(): Record<string, string[]>
}

export interface MetricHistoryOptions {
  /** The service names whose metrics to sample now. */
  readonly services: () => readonly string[]
  readonly read: (service: string) => Promise<string>
  readonly intervalMs?: number
  /** Points kept at most (oldest dropped), the memory bound: about 200 bytes each. */
  readonly maxPoints?: number
  readonly now?: () => number
}

// A Prometheus sample line: name, optional {labels}, value (timestamp ignored).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/
// Unit and type suffixes an exporter may append: `process_memory_usage` matches `…_bytes` too.
const SUFFIXES = new Set(['bytes', 'seconds', 'total', 'ratio', 'milliseconds', 'count', 'sum'])

/** True when the exposed metric `exposed` is `name`, perhaps with a unit suffix. */
export function sameMetric(exposed: string, name: string): boolean {
  if (exposed === name) return true
  if (!exposed.startsWith(`${name}_`)) return false
  return exposed
    .slice(name.length + 1)
    .split('_')
    .every((part) => SUFFIXES.has(part))
}

export function parsePrometheusText(text: string): { series: string; name: string; value: number }[] {
  const out: { series: string; name: string; value: number }[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = SAMPLE.exec(line)
    if (!match?.[1] || match[3] === undefined) continue
    const value = Number(match[3])
    if (!Number.isFinite(value) || match[1] === 'target_info') continue
    out.push({ series: match[1] + (match[2] ?? ''), name: match[1], value })
  }
  return out
}

export function createMetricHistory(options: MetricHistoryOptions): MetricHistory {
  const maxPoints = options.maxPoints ?? 200_000
  const now = options.now ?? Date.now
  let points: MetricPoint[] = []
  let timer: NodeJS.Timeout | undefined
  let sampling: Promise<void> | undefined

  async function sampleOnce(): Promise<void> {
    const timeMs = now()
    for (const service of options.services()) {
      let text: string
      try {
        text = await options.read(service)
      } catch {
        continue
      }
      for (const p of parsePrometheusText(text)) points.push({ timeMs, service, ...p })
    }
    if (points.length > maxPoints) points = points.slice(points.length - maxPoints)
  }

  const sum = (service: string, name: string, sinceMs = 0) => {
    const byTime = new Map<number, number>()
    for (const p of points) {
      if (p.timeMs < sinceMs || p.service !== service || !sameMetric(p.name, name)) continue
      byTime.set(p.timeMs, (byTime.get(p.timeMs) ?? 0) + p.value)
    }
    return [...byTime].map(([timeMs, value]) => ({ timeMs, value }))
  }

  return {
    sample() {
      // One sample at a time: a slow read must not pile up overlapping samples.
      sampling ??= sampleOnce().finally(() => {
        sampling = undefined
      })
      return sampling
    },
    start() {
      if (timer) return
      timer = setInterval(() => void this.sample(), options.intervalMs ?? 2000)
      timer.unref()
    },
    stop() {
      if (timer) clearInterval(timer)
      timer = undefined
    },
    series: sum,
    latest(service, name) {
      return sum(service, name).at(-1)?.value
    },
    points: (fromMs, toMs) => points.filter((p) => p.timeMs >= fromMs && p.timeMs <= toMs),
    names() {
      const out: Record<string, Set<string>> = {}
      for (const p of points) {
        const names = out[p.service] ?? new Set<string>()
        names.add(p.name)
        out[p.service] = names
      }
      return Object.fromEntries(Object.entries(out).map(([s, names]) => [s, [...names].sort()]))
    },
  }
}
