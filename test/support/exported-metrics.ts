// The Prometheus metric families Bakery exports, derived from the code: every instrument created
// with a literal name in src/ (meter.createCounter('orders.accepted', ...) and so on) and its
// literal unit, converted by the OTel → Prometheus compatibility rules (unit suffix, _total). The
// Prometheus test checks this scan against what a running Bakery really serves, so it cannot drift.
import { globSync, readFileSync } from 'node:fs'
import {
  type PrometheusKind,
  prometheusName as promName,
} from '../../src/platform/telemetry/prometheus-names.ts'
import { repoRoot } from './deploy.ts'

const INSTRUMENT =
  /create(Counter|UpDownCounter|Histogram|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\s*\(\s*(['"`])([A-Za-z][\w.\-/]*)\2/g

export interface Instrument {
  name: string
  type: string
  /** The `unit:` of its options, when written as a literal. */
  unit: string | undefined
  file: string
}

export function scanInstruments(): Instrument[] {
  const files = globSync('src/**/*.ts', { cwd: repoRoot }).filter((f) => !f.endsWith('.test.ts'))
  const found: Instrument[] = []
  for (const file of files) {
    const text = readFileSync(`${repoRoot}${file}`, 'utf8')
    for (const match of text.matchAll(INSTRUMENT)) {
      // The options object follows the name; its unit is the first `unit:` before the call closes.
      const after = text.slice(
        (match.index ?? 0) + match[0].length,
        (match.index ?? 0) + match[0].length + 400,
      )
      const options = after.slice(0, after.search(/\)\s*(?:\.|\n|$|;|,)/) + 1 || after.length)
      const unit = /\bunit:\s*(['"`])([^'"`]*)\1/.exec(options)?.[2]
      found.push({ type: match[1] ?? '', name: match[3] ?? '', unit, file })
    }
  }
  return found
}

function kindOf(type: string): PrometheusKind {
  if (type === 'Histogram') return 'histogram'
  return type === 'Counter' || type === 'ObservableCounter' ? 'counter' : 'gauge'
}

/** The served name: sanitized, the unit suffix, and _total on monotonic sums. */
export function prometheusName(instrument: Pick<Instrument, 'name' | 'type' | 'unit'>): string {
  return promName(instrument.name, instrument.unit, kindOf(instrument.type))
}

/** Every series name a query may use: histogram families add _bucket, _sum and _count. */
export function exportedSeriesNames(): Set<string> {
  const names = new Set<string>(['target_info'])
  for (const instrument of scanInstruments()) {
    const name = prometheusName(instrument)
    names.add(name)
    if (instrument.type === 'Histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`)
  }
  return names
}

/** Histograms created through telemetry.exemplars (their points become exemplars), by OTel name. */
export function exemplarHistograms(): string[] {
  const files = globSync('src/**/*.ts', { cwd: repoRoot }).filter((f) => !f.endsWith('.test.ts'))
  const names: string[] = []
  for (const file of files) {
    const text = readFileSync(`${repoRoot}${file}`, 'utf8')
    for (const match of text.matchAll(/exemplars\s*\.createHistogram\s*\(\s*(['"`])([A-Za-z][\w.\-/]*)\1/g))
      names.push(match[2] ?? '')
  }
  return names
}
