// One OpenTelemetry setup for every service. All services of a process share the span
// processors; each gets its own tracer and meter providers so spans and metrics carry its own
// service.name even when everything runs in one process.
import { randomUUID } from 'node:crypto'
import { context, type Meter, type Tracer, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin'
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider, type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { Config } from '../config/index.ts'
import { createExemplarMeter, type ExemplarMeter } from './exemplars.ts'
import { serializeOpenMetrics } from './openmetrics.ts'
import { registerRuntimeMetrics } from './runtime-metrics.ts'
import { createSampler } from './sampler.ts'
import { createSpanStore, createSpanStoreProcessor, type SpanStore } from './span-store.ts'

export interface ServiceTelemetry {
  readonly serviceName: string
  readonly tracer: Tracer
  readonly meter: Meter
  /** Creates the latency histograms whose points also become exemplars (trace, span, order key). */
  readonly exemplars: ExemplarMeter
  /** Current metrics in Prometheus text exposition format (0.0.4, no exemplars). */
  metricsText(): Promise<string>
  /** Current metrics in OpenMetrics 1.0 text, with exemplars. */
  openMetricsText(): Promise<string>
}

export interface Telemetry {
  /** The in-process trace store, when enabled. */
  readonly spanStore: SpanStore | undefined
  forService(name: string): ServiceTelemetry
  /** The services of this process that asked for their telemetry so far. */
  serviceNames(): string[]
  flush(): Promise<void>
  shutdown(): Promise<void>
}

export interface TelemetryOptions {
  /** Extra span processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[]
  /** When exactly one service runs, OTEL_SERVICE_NAME may rename it. */
  singleService?: boolean
}

const VERSION = '0.1.0'
let contextManagerInstalled = false

function installContextManager(): void {
  if (contextManagerInstalled) return
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  contextManagerInstalled = true
}

export function createTelemetry(config: Config, options: TelemetryOptions = {}): Telemetry {
  installContextManager()
  const tracingOn = !config.otelSdkDisabled
  const spanStore = tracingOn && config.spanStoreSize > 0 ? createSpanStore(config.spanStoreSize) : undefined
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])]
  if (spanStore) processors.push(createSpanStoreProcessor(spanStore))
  if (tracingOn && config.otlpEndpoint) processors.push(new BatchSpanProcessor(otlpTraceExporter(config)))
  // Zipkin speaks its own JSON; the exporter takes service.name from each span's resource.
  if (tracingOn && config.zipkinEndpoint)
    processors.push(new BatchSpanProcessor(new ZipkinExporter({ url: config.zipkinEndpoint.href })))

  const instanceId = randomUUID()
  const sampler = createSampler(config.tracesSampler, config.tracesSamplerArg, {
    traceBackground: config.traceBackground,
  })
  const services = new Map<string, ServiceTelemetry>()
  const meterProviders: MeterProvider[] = []

  function resourceFor(name: string): Resource {
    const serviceName = options.singleService && config.otelServiceName ? config.otelServiceName : name
    return resourceFromAttributes({
      ...config.otelResourceAttributes,
      'service.name': serviceName,
      'service.namespace': config.otelResourceAttributes['service.namespace'] ?? 'bakery',
      'service.version': VERSION,
      'service.instance.id': instanceId,
      'process.pid': process.pid,
    })
  }

  function create(name: string): ServiceTelemetry {
    const resource = resourceFor(name)
    const serviceName = String(resource.attributes['service.name'])
    const tracer = tracingOn
      ? new BasicTracerProvider({ resource, sampler, spanProcessors: processors }).getTracer(
          'bakery',
          VERSION,
        )
      : trace.getTracer('bakery-noop')
    const prometheus = new PrometheusExporter({ preventServerStart: true })
    const readers: MetricReader[] = [prometheus]
    if (tracingOn && config.otlpEndpoint) {
      readers.push(
        new PeriodicExportingMetricReader({
          exporter: otlpMetricExporter(config),
          exportIntervalMillis: config.metricExportIntervalMs,
        }),
      )
    }
    const meterProvider = new MeterProvider({ resource, readers })
    meterProviders.push(meterProvider)
    const serializer = new PrometheusSerializer()
    const meter = meterProvider.getMeter('bakery', VERSION)
    const exemplars = createExemplarMeter(meter)
    registerRuntimeMetrics(meter)
    return {
      serviceName,
      tracer,
      meter,
      exemplars,
      async metricsText() {
        const { resourceMetrics } = await prometheus.collect()
        return serializer.serialize(resourceMetrics)
      },
      async openMetricsText() {
        const { resourceMetrics } = await prometheus.collect()
        return serializeOpenMetrics(resourceMetrics, exemplars.reservoir)
      },
    }
  }

  return {
    spanStore,
    forService(name) {
      let service = services.get(name)
      if (!service) {
        service = create(name)
        services.set(name, service)
      }
      return service
    },
    serviceNames: () => [...services.keys()],
    async flush() {
      await Promise.all([
        ...processors.map((p) => p.forceFlush()),
        ...meterProviders.map((m) => m.forceFlush().catch(() => {})),
      ])
    },
    async shutdown() {
      await Promise.all([
        ...processors.map((p) => p.shutdown()),
        ...meterProviders.map((m) => m.shutdown().catch(() => {})),
      ])
    },
  }
}

function otlpUrl(config: Config, signal: 'traces' | 'metrics'): string {
  const base = config.otlpEndpoint?.href.replace(/\/+$/, '') ?? ''
  return `${base}/v1/${signal}`
}

function otlpTraceExporter(config: Config) {
  const options = { url: otlpUrl(config, 'traces'), headers: config.otlpHeaders }
  return config.otlpProtocol === 'http/json'
    ? new OtlpJsonTraceExporter(options)
    : new OtlpProtoTraceExporter(options)
}

function otlpMetricExporter(config: Config) {
  const options = { url: otlpUrl(config, 'metrics'), headers: config.otlpHeaders }
  return config.otlpProtocol === 'http/json'
    ? new OtlpJsonMetricExporter(options)
    : new OtlpProtoMetricExporter(options)
}
