// One OpenTelemetry setup for every service. All services of a process share the span
// processors; each gets its own tracer and meter providers so spans and metrics carry its own
// service.name even when everything runs in one process.
import { randomUUID } from 'node:crypto'
import { Metadata } from '@grpc/grpc-js'
import { context, type Meter, type Tracer, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { OTLPLogExporter as OtlpGrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc'
import { OTLPLogExporter as OtlpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as OtlpProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPMetricExporter as OtlpGrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc'
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc'
import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto'
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin'
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources'
import {
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { PlatformConfig } from '../config/index.ts'
import { createExemplarMeter, type ExemplarMeter } from './exemplars.ts'
import { createLogExport, logsExported } from './log-export.ts'
import { serializeOpenMetrics } from './openmetrics.ts'
import { withPrometheusNames } from './prometheus-names.ts'
import { usePropagators } from './propagation.ts'
import { registerRuntimeMetrics } from './runtime-metrics.ts'
import { createSampler } from './sampler.ts'
import { createSpanStore, createSpanStoreProcessor, type SpanStore } from './span-store.ts'
import { withCaps } from './store/caps.ts'
import { capsOf } from './store/config.ts'
import { createSnapshotter, type SnapshotSource } from './store/metric-snapshots.ts'
import type { TelemetryStore } from './store/telemetry-store.ts'

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
  /** Current metrics as OTel data, e.g. to serve several services' metrics on one endpoint. */
  collectMetrics(): Promise<ResourceMetrics>
}

export interface Telemetry {
  /** The in-process trace store, when enabled. */
  readonly spanStore: SpanStore | undefined
  /** The telemetry store (spans, logs, metric snapshots of every run), when this process has one. */
  readonly store: TelemetryStore | undefined
  /** Sends one pino record (a parsed JSON line) to the OTLP log exporter, when logs are exported. */
  exportLog(record: Record<string, unknown>): void
  /** Whether exportLog sends anywhere (OTLP endpoint set, OTEL_LOGS_EXPORTER not none). */
  readonly exportsLogs: boolean
  /** Takes a metric snapshot of every service into the store now. */
  snapshotMetrics(): Promise<void>
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
  /** The telemetry store; spans go there instead of the in-memory ring. Closed by shutdown(). */
  store?: TelemetryStore | undefined
}

const VERSION = '0.1.0'
let contextManagerInstalled = false

function installContextManager(): void {
  if (contextManagerInstalled) return
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  contextManagerInstalled = true
}

export function createTelemetry(config: PlatformConfig, options: TelemetryOptions = {}): Telemetry {
  installContextManager()
  usePropagators(config.propagators)
  const tracingOn = !config.otelSdkDisabled
  const store = options.store
  const spanStore =
    tracingOn && config.spanStoreSize > 0
      ? (store?.spans ?? withCaps(createSpanStore(config.spanStoreSize), capsOf(config)))
      : undefined
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
  const snapshotSources: SnapshotSource[] = []
  const snapshotter = createSnapshotter(() => snapshotSources)
  async function snapshotMetrics(): Promise<void> {
    if (!store) return
    for (const snapshot of await snapshotter()) store.addMetricSnapshot(snapshot)
  }
  const snapshotTimer = store
    ? setInterval(() => {
        snapshotMetrics().catch(() => {})
      }, config.telemetrySnapshotMs).unref()
    : undefined
  const spanLimits = {
    attributeValueLengthLimit: config.attributeValueLengthLimit,
    attributeCountLimit: config.spanAttributeCountLimit,
    eventCountLimit: config.spanEventCountLimit,
    linkCountLimit: config.spanLinkCountLimit,
  }

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

  const resources = new Map<string, Resource>()
  const sharedResource = (name: string): Resource => {
    let resource = resources.get(name)
    if (!resource) {
      resource = resourceFor(name)
      resources.set(name, resource)
    }
    return resource
  }
  const logExport = logsExported(config)
    ? createLogExport(config, otlpLogExporter(config), sharedResource)
    : undefined

  function create(name: string): ServiceTelemetry {
    const resource = sharedResource(name)
    const serviceName = String(resource.attributes['service.name'])
    const tracer = tracingOn
      ? new BasicTracerProvider({ resource, sampler, spanLimits, spanProcessors: processors }).getTracer(
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
    snapshotSources.push({ serviceName, prometheus, exemplars })
    return {
      serviceName,
      tracer,
      meter,
      exemplars,
      async metricsText() {
        const { resourceMetrics } = await prometheus.collect()
        return serializer.serialize(withPrometheusNames(resourceMetrics))
      },
      async openMetricsText() {
        const { resourceMetrics } = await prometheus.collect()
        return serializeOpenMetrics(resourceMetrics, exemplars.reservoir)
      },
      async collectMetrics() {
        return (await prometheus.collect()).resourceMetrics
      },
    }
  }

  return {
    spanStore,
    store,
    exportsLogs: logExport !== undefined,
    exportLog: (record) => logExport?.emit(record),
    snapshotMetrics,
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
        logExport?.flush().catch(() => {}),
      ])
    },
    async shutdown() {
      if (snapshotTimer) clearInterval(snapshotTimer)
      // The last snapshot holds the final counts and the newest exemplars of this run.
      await snapshotMetrics().catch(() => {})
      await Promise.all([
        ...processors.map((p) => p.shutdown()),
        ...meterProviders.map((m) => m.shutdown().catch(() => {})),
        logExport?.shutdown().catch(() => {}),
      ])
      store?.close()
    },
  }
}

function otlpUrl(config: PlatformConfig, signal: 'traces' | 'metrics' | 'logs'): string {
  const base = config.otlpEndpoint?.href.replace(/\/+$/, '') ?? ''
  return `${base}/v1/${signal}`
}

/** OTLP/gRPC takes the endpoint itself (no signal path); the spec's port is 4317. */
export function otlpGrpcUrl(endpoint: URL | undefined): string {
  const url = new URL(endpoint?.href ?? 'http://localhost:4317')
  if (url.port === '') url.port = '4317'
  return `${url.protocol}//${url.host}`
}

function grpcMetadata(headers: Record<string, string>): Metadata {
  const metadata = new Metadata()
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value)
  return metadata
}

function otlpTraceExporter(config: PlatformConfig) {
  if (config.otlpProtocol === 'grpc') {
    return new OtlpGrpcTraceExporter({
      url: otlpGrpcUrl(config.otlpEndpoint),
      metadata: grpcMetadata(config.otlpHeaders),
    })
  }
  const options = { url: otlpUrl(config, 'traces'), headers: config.otlpHeaders }
  return config.otlpProtocol === 'http/json'
    ? new OtlpJsonTraceExporter(options)
    : new OtlpProtoTraceExporter(options)
}

function otlpMetricExporter(config: PlatformConfig) {
  if (config.otlpProtocol === 'grpc') {
    return new OtlpGrpcMetricExporter({
      url: otlpGrpcUrl(config.otlpEndpoint),
      metadata: grpcMetadata(config.otlpHeaders),
    })
  }
  const options = { url: otlpUrl(config, 'metrics'), headers: config.otlpHeaders }
  return config.otlpProtocol === 'http/json'
    ? new OtlpJsonMetricExporter(options)
    : new OtlpProtoMetricExporter(options)
}

function otlpLogExporter(config: PlatformConfig) {
  if (config.otlpProtocol === 'grpc') {
    return new OtlpGrpcLogExporter({
      url: otlpGrpcUrl(config.otlpEndpoint),
      metadata: grpcMetadata(config.otlpHeaders),
    })
  }
  const options = { url: otlpUrl(config, 'logs'), headers: config.otlpHeaders }
  return config.otlpProtocol === 'http/json'
    ? new OtlpJsonLogExporter(options)
    : new OtlpProtoLogExporter(options)
}
