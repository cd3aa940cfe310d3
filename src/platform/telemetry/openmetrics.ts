// OpenMetrics 1.0 text (application/openmetrics-text; version=1.0.0) of the OpenTelemetry
// metrics a Prometheus reader collected, with exemplars on histogram buckets. The OTel
// Prometheus exporter only writes the older Prometheus text format, which has no exemplars.
// Series names follow the OTel → Prometheus compatibility rules (prometheus-names.ts: unit
// suffixes, counters end in _total) and labels are the exporter's (otel_scope_* labels,
// target_info), so a dashboard reads the same series in either format.
import type { Attributes } from '@opentelemetry/api'
import {
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics'
import type { ExemplarReservoir, ExemplarSlots } from './exemplars.ts'
import { prometheusFamilyName, prometheusKind, sanitizeName, unitSuffix } from './prometheus-names.ts'

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8'

/** The spec's limit on an exemplar's label names and values together, in UTF-8 characters. */
export const EXEMPLAR_LABELS_MAX = 128

type Lookup = (metricName: string) => ExemplarReservoir | undefined

interface Family {
  type: 'counter' | 'gauge' | 'histogram' | 'info'
  help: string
  /** The unit word the family name ends with ('' for none). */
  unit: string
  samples: string[]
}

export function serializeOpenMetrics(metrics: ResourceMetrics, exemplars: Lookup = () => undefined): string {
  const families = new Map<string, Family>()
  families.set('target', {
    type: 'info',
    help: 'Target metadata',
    unit: '',
    samples: [`target_info${labels(metrics.resource.attributes)} 1`],
  })
  for (const { scope, metrics: list } of metrics.scopeMetrics) {
    const scopeLabels: Attributes = { 'otel.scope.name': scope.name }
    if (scope.version) scopeLabels['otel.scope.version'] = scope.version
    if (scope.schemaUrl) scopeLabels['otel.scope.schema_url'] = scope.schemaUrl
    for (const metric of list) addMetric(families, metric, scopeLabels, exemplars)
  }
  let text = ''
  for (const [name, family] of families) {
    // UNIT only where the name ends with it, as OpenMetrics requires.
    text += `# TYPE ${name} ${family.type}\n# HELP ${name} ${escaped(family.help)}\n`
    if (family.unit) text += `# UNIT ${name} ${family.unit}\n`
    for (const sample of family.samples) text += `${sample}\n`
  }
  return `${text}# EOF\n`
}

function addMetric(families: Map<string, Family>, metric: MetricData, scope: Attributes, exemplars: Lookup) {
  const kind = prometheusKind(metric)
  const { name: otelName, unit: otelUnit } = metric.descriptor
  const name = prometheusFamilyName(otelName, otelUnit, kind)
  if (name === '' || name === '_') return
  const unit = unitSuffix(otelUnit, kind)
  const help = metric.descriptor.description || 'description missing'
  let type: Family['type']
  const samples: string[] = []
  switch (metric.dataPointType) {
    case DataPointType.SUM:
    case DataPointType.GAUGE: {
      const counter = kind === 'counter'
      type = counter ? 'counter' : 'gauge'
      const sampleName = counter ? `${name}_total` : name
      for (const point of metric.dataPoints)
        samples.push(`${sampleName}${labels(point.attributes, scope)} ${number(point.value)}`)
      break
    }
    case DataPointType.HISTOGRAM: {
      type = 'histogram'
      const reservoir = exemplars(metric.descriptor.name)
      for (const point of metric.dataPoints) histogramSamples(samples, name, point, scope, reservoir)
      break
    }
    default:
      return // exponential histograms: not used by Bakery, and OpenMetrics 1.0 has no such type
  }
  const family = families.get(name)
  // Families must not repeat or interleave: a second instrument of the same name joins the first.
  if (family) {
    if (family.type === type) family.samples.push(...samples)
    return
  }
  families.set(name, { type, help, unit: name.endsWith(`_${unit}`) ? unit : '', samples })
}

function histogramSamples(
  out: string[],
  name: string,
  point: DataPoint<Histogram>,
  scope: Attributes,
  reservoir: ExemplarReservoir | undefined,
): void {
  const { boundaries, counts } = point.value.buckets
  const slots =
    reservoir && reservoir.boundaries.length === boundaries.length
      ? reservoir.find(point.attributes)
      : undefined
  let cumulative = 0
  for (let i = 0; i < counts.length; i++) {
    cumulative += counts[i] ?? 0
    const bound = boundaries[i]
    const le = bound === undefined ? '+Inf' : canonicalNumber(bound)
    const exemplar = slots ? exemplarText(slots, i) : ''
    out.push(`${name}_bucket${labels(point.attributes, scope, le)} ${cumulative}${exemplar}`)
  }
  // _count only beside _sum, as the spec has it (the +Inf bucket already holds the count).
  if (point.value.sum !== undefined) {
    out.push(`${name}_count${labels(point.attributes, scope)} ${point.value.count}`)
    out.push(`${name}_sum${labels(point.attributes, scope)} ${number(point.value.sum)}`)
  }
}

/** ` # {trace_id="…",span_id="…",order_key="…"} value timestamp`, or '' for an empty slot. */
export function exemplarText(slots: ExemplarSlots, bucket: number): string {
  const time = slots.times[bucket] ?? 0
  if (time === 0) return ''
  const traceId = slots.traceIds[bucket] ?? ''
  const spanId = slots.spanIds[bucket] ?? ''
  const orderKey = slots.orderKeys[bucket]
  const idLength = 'trace_id'.length + characters(traceId) + 'span_id'.length + characters(spanId)
  if (idLength > EXEMPLAR_LABELS_MAX) return ''
  // A key that would break the limit is left out rather than cut: a partial key finds nothing.
  const withKey =
    orderKey !== undefined && idLength + 'order_key'.length + characters(orderKey) <= EXEMPLAR_LABELS_MAX
  const keyLabel = withKey ? `,order_key="${escaped(orderKey)}"` : ''
  const value = number(slots.values[bucket] ?? 0)
  const seconds = Math.round(time) / 1000
  return ` # {trace_id="${escaped(traceId)}",span_id="${escaped(spanId)}"${keyLabel}} ${value} ${seconds}`
}

/** Label names: characters outside [a-zA-Z0-9_] become _, runs of _ collapse. */
export const metricName = sanitizeName

function labels(attributes: Attributes, extra?: Attributes, le?: string): string {
  let text = ''
  for (const set of [attributes, extra]) {
    if (!set) continue
    for (const key in set) {
      const value = set[key]
      if (value === undefined) continue
      text += `${text ? ',' : ''}${metricName(key)}="${escaped(typeof value === 'string' ? value : JSON.stringify(value))}"`
    }
  }
  if (le !== undefined) text += `${text ? ',' : ''}le="${le}"`
  return text ? `{${text}}` : ''
}

function escaped(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function number(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return Number.isNaN(value) ? 'NaN' : String(value)
}

/**
 * The spec's canonical rendering of `le` values: Go's %g (shortest digits, exponent when it is
 * below -4 or at least 6, two exponent digits at least), with .0 added to a bare integer.
 */
export function canonicalNumber(value: number): string {
  if (!Number.isFinite(value)) return number(value)
  if (value === 0) return '0.0'
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0')
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`
  }
  const plain = String(value)
  return plain.includes('.') ? plain : `${plain}.0`
}

/** UTF-8 characters (code points), as the exemplar limit counts them. */
function characters(text: string): number {
  let count = 0
  for (const _ of text) count++
  return count
}
