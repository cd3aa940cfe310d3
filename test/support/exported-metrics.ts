// The Prometheus metric families Bakery exports, derived from the code: every instrument created
// with a literal name in src/ (meter.createCounter('orders.accepted', ...) and so on), converted
// the way @opentelemetry/exporter-prometheus names them. The Prometheus test checks this scan
// against what a running Bakery really serves, so it cannot drift from the exporter.
import { globSync, readFileSync } from 'node:fs'
import { repoRoot } from './deploy.ts'

const INSTRUMENT =
  /create(Counter|UpDownCounter|Histogram|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\s*\(\s*(['"`])([A-Za-z][\w.\-/]*)\2/g

export interface Instrument {
  name: string
  type: string
  file: string
}

export function scanInstruments(): Instrument[] {
  const files = globSync('src/**/*.ts', { cwd: repoRoot }).filter((f) => !f.endsWith('.test.ts'))
  const found: Instrument[] = []
  for (const file of files) {
    const text = readFileSync(`${repoRoot}${file}`, 'utf8')
    for (const match of text.matchAll(INSTRUMENT)) {
      found.push({ type: match[1] ?? '', name: match[3] ?? '', file })
    }
  }
  return found
}

/** The exporter's name: invalid characters become _, runs of _ collapse, monotonic sums get _total. */
export function prometheusName(instrument: Pick<Instrument, 'name' | 'type'>): string {
  const base = instrument.name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_')
  const monotonic = instrument.type === 'Counter' || instrument.type === 'ObservableCounter'
  return monotonic && !base.endsWith('_total') ? `${base}_total` : base
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
