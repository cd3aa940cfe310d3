// Metric snapshots for the telemetry store: every few seconds each service's instruments are
// collected (the same cumulative view the Prometheus endpoint serves), turned into OTLP JSON
// metrics, and the latency histograms get their exemplars (trace, span, order key) attached.
import type { Attributes as OtelAttributes } from '@opentelemetry/api'
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus'
import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer'
import type { ExemplarMeter } from '../exemplars.ts'
import type { Attributes } from './rows.ts'
import type { ExemplarInput, MetricSnapshotInput } from './writer.ts'

export interface SnapshotSource {
  serviceName: string
  prometheus: PrometheusExporter
  exemplars: ExemplarMeter
}

interface OtlpKeyValue {
  key: string
  value: Record<string, unknown>
}
interface OtlpDataPoint {
  attributes?: OtlpKeyValue[]
  exemplars?: unknown[]
  [key: string]: unknown
}
interface OtlpMetric {
  name: string
  histogram?: { dataPoints: OtlpDataPoint[] }
  [key: string]: unknown
}
interface OtlpRequest {
  resourceMetrics: {
    resource?: { attributes?: OtlpKeyValue[] }
    scopeMetrics: { metrics: OtlpMetric[] }[]
  }[]
}

export const ORDER_KEY_EXEMPLAR_ATTRIBUTE = 'bakery.order_key'

export function plainValue(value: Record<string, unknown> | undefined): Attributes[string] {
  if (!value) return ''
  if ('stringValue' in value) return String(value.stringValue)
  if ('boolValue' in value) return Boolean(value.boolValue)
  if ('intValue' in value) return Number(value.intValue)
  if ('doubleValue' in value) return Number(value.doubleValue)
  return JSON.stringify(value)
}

export function plainAttributes(list: OtlpKeyValue[] | undefined): Attributes {
  const out: Attributes = {}
  for (const kv of list ?? []) out[kv.key] = plainValue(kv.value)
  return out
}

const usToNanos = (us: number): string => (BigInt(us) * 1000n).toString()

/** Attaches the exemplars kept for each histogram point; returns those newer than `sinceUs`. */
function attachExemplars(metric: OtlpMetric, source: SnapshotSource, sinceUs: number): ExemplarInput[] {
  const reservoir = source.exemplars.reservoir(metric.name)
  if (!reservoir || !metric.histogram) return []
  const fresh: ExemplarInput[] = []
  for (const point of metric.histogram.dataPoints) {
    const slots = reservoir.find(plainAttributes(point.attributes) as OtelAttributes)
    if (!slots) continue
    const exemplars: unknown[] = []
    for (let bucket = 0; bucket < slots.times.length; bucket++) {
      const timeMs = slots.times[bucket] as number
      if (timeMs === 0) continue
      const timeUs = Math.round(timeMs * 1000)
      const orderKey = slots.orderKeys[bucket]
      const traceId = slots.traceIds[bucket] as string
      const spanId = slots.spanIds[bucket] as string
      const value = slots.values[bucket] as number
      exemplars.push({
        filteredAttributes: orderKey
          ? [{ key: ORDER_KEY_EXEMPLAR_ATTRIBUTE, value: { stringValue: orderKey } }]
          : [],
        timeUnixNano: usToNanos(timeUs),
        asDouble: value,
        spanId,
        traceId,
      })
      if (timeUs > sinceUs) fresh.push({ timeUs, metric: metric.name, value, traceId, spanId, orderKey })
    }
    if (exemplars.length > 0) point.exemplars = exemplars
  }
  return fresh
}

/** Takes one snapshot of every source; each remembers its newest exemplar between calls. */
export function createSnapshotter(sources: () => readonly SnapshotSource[]) {
  const lastExemplarUs = new Map<string, number>()
  return async function snapshot(): Promise<MetricSnapshotInput[]> {
    const out: MetricSnapshotInput[] = []
    for (const source of sources()) {
      const { resourceMetrics } = await source.prometheus.collect()
      const request = JSON.parse(
        new TextDecoder().decode(JsonMetricsSerializer.serializeRequest(resourceMetrics)),
      ) as OtlpRequest
      const since = lastExemplarUs.get(source.serviceName) ?? 0
      let newest = since
      for (const rm of request.resourceMetrics) {
        const metrics = rm.scopeMetrics.flatMap((s) => s.metrics)
        const exemplars = metrics.flatMap((m) => attachExemplars(m, source, since))
        for (const e of exemplars) newest = Math.max(newest, e.timeUs)
        out.push({
          timeUs: Date.now() * 1000,
          resource: plainAttributes(rm.resource?.attributes),
          metrics,
          exemplars,
        })
      }
      lastExemplarUs.set(source.serviceName, newest)
    }
    return out
  }
}
