// The metric names users are told about: named in the README and docs (inline code), queried by the
// Grafana dashboards, and used by alert rules. Read from the files as they are, so renames (unit
// suffixes and the like) carry over to the tests that look for these names in a real Prometheus.
import { globSync, readFileSync } from 'node:fs'
import { BARISTA_QUEUE, RECEPTION_READY_QUEUE } from '../../src/coffee/events.ts'
import { repoRoot } from './deploy.ts'
import { exportedSeriesNames } from './exported-metrics.ts'

const PROMQL_WORDS = new Set(
  'by without on ignoring group_left group_right offset bool and or unless inf nan le'.split(' '),
)

/** Metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '')
  const names: string[] = []
  for (const match of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice((match.index ?? 0) + match[0].length).trimStart()
    if (after.startsWith('(') || PROMQL_WORDS.has(match[0]) || /^\d/.test(match[0])) continue
    names.push(match[0])
  }
  return names
}

const read = (file: string) => readFileSync(`${repoRoot}${file}`, 'utf8')

/** Families Bakery's own instruments belong to, by first word: bakery_, tracking_, http_, v8js_ … */
function bakeryPrefixes(): Set<string> {
  return new Set([...exportedSeriesNames()].map((n) => n.split('_')[0] ?? n))
}

// Queue names the docs show in inline code the way they show metric names.
const QUEUE_NAMES = new Set([BARISTA_QUEUE, RECEPTION_READY_QUEUE])

/** `metric_name` or `metric_name{labels}` in the inline code of README.md and docs/*.md. */
export function docsMetricNames(): Map<string, string> {
  const prefixes = bakeryPrefixes()
  const found = new Map<string, string>()
  for (const file of ['README.md', ...globSync('docs/**/*.md', { cwd: repoRoot })]) {
    const text = read(file).replace(/```[\s\S]*?```/g, '')
    for (const [, code] of text.matchAll(/`([^`\n]+)`/g)) {
      const name = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?:\{[^}]*\})?$/.exec(code ?? '')?.[1]
      if (!name || QUEUE_NAMES.has(name) || name === 'target_info') continue
      if (prefixes.has(name.split('_')[0] ?? '')) found.set(name, file)
    }
  }
  return found
}

// Exporters other than Bakery that the deployed Prometheus scrapes.
const EXTERNAL = /^rabbitmq_/

export function dashboardMetricNames(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of globSync('deploy/grafana/dashboards/*.json', { cwd: repoRoot })) {
    const dashboard = JSON.parse(read(file)) as { panels?: { targets?: { expr?: string }[] }[] }
    for (const panel of dashboard.panels ?? [])
      for (const target of panel.targets ?? [])
        for (const name of promqlMetricNames(target.expr ?? ''))
          if (!EXTERNAL.test(name)) found.set(name, file)
  }
  return found
}

/** `expr:` of every alerting rule in deploy/ (Prometheus rule files, PrometheusRule manifests). */
export function alertRuleMetricNames(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of globSync('deploy/**/*.{yml,yaml}', { cwd: repoRoot })) {
    const text = read(file)
    if (!/^\s*-?\s*alert:/m.test(text)) continue
    for (const [, expr] of text.matchAll(/^\s*expr:\s*(.+)$/gm))
      for (const name of promqlMetricNames((expr ?? '').replace(/^['"|>-]+|['"]$/g, '')))
        if (!EXTERNAL.test(name)) found.set(name, file)
  }
  return found
}

/** Every documented name with the file that names it. */
export function documentedMetricNames(): Map<string, string> {
  return new Map([...docsMetricNames(), ...dashboardMetricNames(), ...alertRuleMetricNames()])
}
