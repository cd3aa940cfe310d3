// Metric names as the OpenTelemetry → Prometheus compatibility rules give them: characters outside
// [a-zA-Z0-9_] become _, the unit becomes a suffix (s → _seconds, By → _bytes, 1 on a gauge →
// _ratio, {annotations} dropped, x/y → _x_per_y), and counters end in _total. So
// `http.server.request.duration` (unit s) is `http_server_request_duration_seconds`, the series
// every community dashboard queries. Both /metrics formats name series with this.
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics'

/** UCUM units and their Prometheus words (the spec's table). */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
}

/** The denominator of a rate unit (`By/s` → bytes_per_second). */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
}

export type PrometheusKind = 'counter' | 'gauge' | 'histogram'

/** OTel's Prometheus names: characters outside [a-zA-Z0-9_] become _, runs of _ collapse. */
export function sanitizeName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/_{2,}/g, '_')
  return /^[0-9]/.test(clean) ? `_${clean}` : clean
}

function unitWord(unit: string, words: Readonly<Record<string, string>>): string {
  const bare = unit.replace(/\{[^}]*\}/g, '').trim()
  if (bare === '' || bare === '1') return ''
  return sanitizeName(words[bare] ?? bare).replace(/^_+|_+$/g, '')
}

/** The unit suffix the rules append (without the leading _), '' when the unit adds none. */
export function unitSuffix(unit: string | undefined, kind: PrometheusKind): string {
  if (!unit) return ''
  if (unit === '1') return kind === 'gauge' ? 'ratio' : ''
  const [main = '', per = ''] = unit.split('/', 2)
  const parts = [unitWord(main, UNIT_WORDS)]
  const perWord = per ? unitWord(per, PER_UNIT_WORDS) : ''
  if (perWord) parts.push(`per_${perWord}`)
  return parts.filter(Boolean).join('_')
}

/**
 * The metric family name (for counters without the `_total` the sample carries): the sanitized
 * name plus the unit suffix, unless the name already ends with it.
 */
export function prometheusFamilyName(name: string, unit: string | undefined, kind: PrometheusKind): string {
  let base = sanitizeName(name)
  if (kind === 'counter' && base.endsWith('_total')) base = base.slice(0, -'_total'.length)
  const suffix = unitSuffix(unit, kind)
  if (suffix && !base.endsWith(`_${suffix}`)) base = `${base}_${suffix}`
  return base
}

/** The series name a query uses: counters end in _total; histograms add _bucket/_sum/_count. */
export function prometheusName(name: string, unit: string | undefined, kind: PrometheusKind): string {
  const family = prometheusFamilyName(name, unit, kind)
  return kind === 'counter' ? `${family}_total` : family
}

/** The family kind of an OTel metric as Prometheus sees it (non-monotonic sums are gauges). */
export function prometheusKind(metric: MetricData): PrometheusKind {
  if (metric.dataPointType === DataPointType.HISTOGRAM) return 'histogram'
  if (metric.dataPointType === DataPointType.SUM && metric.isMonotonic) return 'counter'
  return 'gauge'
}

/**
 * The collected metrics with their descriptors renamed to Prometheus family names (unit suffix
 * included, unit given as its word), for the OTel exporter's serializer, which adds only _total.
 */
export function withPrometheusNames(metrics: ResourceMetrics): ResourceMetrics {
  return {
    resource: metrics.resource,
    scopeMetrics: metrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map((metric) => {
        const kind = prometheusKind(metric)
        const { name, unit } = metric.descriptor
        const descriptor = {
          ...metric.descriptor,
          name: prometheusFamilyName(name, unit, kind),
          unit: unitSuffix(unit, kind),
        }
        return { ...metric, descriptor } as MetricData
      }),
    })),
  }
}
