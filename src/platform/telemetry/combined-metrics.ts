// One scrape for several services of one process: the workers of `bakery start` have no HTTP port
// of their own, so their instruments are served together on the workers' port. Each series gets a
// service_name label (the name the OTel collector gives service.name), and families of the same
// name are merged, because Prometheus rejects a family that appears twice in one scrape.
import type { Attributes } from '@opentelemetry/api'
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { resourceFromAttributes } from '@opentelemetry/resources'
import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics'
import type { ExemplarReservoir } from './exemplars.ts'
import { serializeOpenMetrics } from './openmetrics.ts'
import type { ServiceTelemetry } from './telemetry.ts'

export const SERVICE_LABEL = 'service_name'

export interface MetricsSource {
  metricsText(): Promise<string>
  openMetricsText(): Promise<string>
}

export function combineServiceMetrics(name: string, services: readonly ServiceTelemetry[]): MetricsSource {
  const serializer = new PrometheusSerializer()
  async function collect(): Promise<ResourceMetrics> {
    const collected = await Promise.all(services.map(async (s) => ({ s, metrics: await s.collectMetrics() })))
    return mergeResourceMetrics(
      name,
      collected.map(({ s, metrics }) => ({ service: s.serviceName, metrics })),
    )
  }
  return {
    async metricsText() {
      return serializer.serialize(await collect())
    },
    async openMetricsText() {
      return serializeOpenMetrics(await collect(), (metricName) => combinedReservoir(services, metricName))
    },
  }
}

export function mergeResourceMetrics(
  name: string,
  list: readonly { service: string; metrics: ResourceMetrics }[],
): ResourceMetrics {
  const first = list[0]?.metrics.resource.attributes ?? {}
  const resource = resourceFromAttributes({ ...first, 'service.name': name })
  const scopes = new Map<string, ScopeMetrics>()
  const families = new Map<string, MetricData>()
  for (const { service, metrics } of list) {
    for (const { scope, metrics: instruments } of metrics.scopeMetrics) {
      let target = scopes.get(scope.name)
      if (!target) {
        target = { scope, metrics: [] }
        scopes.set(scope.name, target)
      }
      for (const metric of instruments) {
        const points = metric.dataPoints.map((p) => ({
          ...p,
          attributes: { ...p.attributes, [SERVICE_LABEL]: service },
        }))
        const family = families.get(metric.descriptor.name)
        if (family) {
          // Same name, another kind of instrument: the first one wins, as the exporter would.
          if (family.dataPointType === metric.dataPointType) (family.dataPoints as unknown[]).push(...points)
          continue
        }
        const copy = { ...metric, dataPoints: points } as MetricData
        families.set(metric.descriptor.name, copy)
        target.metrics.push(copy)
      }
    }
  }
  return { resource, scopeMetrics: [...scopes.values()] }
}

/** A reservoir that finds a series' exemplars in the reservoir of the service it is labelled with. */
function combinedReservoir(
  services: readonly ServiceTelemetry[],
  metricName: string,
): ExemplarReservoir | undefined {
  const reservoirs = new Map<string, ExemplarReservoir>()
  for (const s of services) {
    const reservoir = s.exemplars.reservoir(metricName)
    if (reservoir) reservoirs.set(s.serviceName, reservoir)
  }
  const any = reservoirs.values().next().value
  if (!any) return undefined
  return {
    boundaries: any.boundaries,
    find(attributes: Attributes) {
      const { [SERVICE_LABEL]: service, ...own } = attributes
      return reservoirs.get(String(service))?.find(own)
    },
  }
}
