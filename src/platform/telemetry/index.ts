export {
  combineServiceMetrics,
  type MetricsSource,
  mergeResourceMetrics,
  SERVICE_LABEL,
} from './combined-metrics.ts'
export {
  createExemplarMeter,
  type ExemplarHistogram,
  type ExemplarMeter,
  type ExemplarReservoir,
  type ExemplarSlots,
} from './exemplars.ts'
export { logsExported } from './log-export.ts'
export { OPENMETRICS_CONTENT_TYPE, serializeOpenMetrics } from './openmetrics.ts'
export {
  type Carrier,
  extractHttpTraceContext,
  extractTraceContext,
  injectTraceContext,
  markSpanError,
  type PropagatorName,
  producerSpanContext,
  startConsumerSpan,
  unsampledTraceparent,
  usePropagators,
  withLeafSpan,
  withSpan,
} from './propagation.ts'
export {
  type AttributeValue,
  createSpanStore,
  type SpanKindName,
  type SpanStore,
  type StoredSpan,
  type TraceQuery,
  type TraceSummary,
  toStoredSpan,
} from './span-store.ts'
export { createTelemetry, type ServiceTelemetry, type Telemetry, type TelemetryOptions } from './telemetry.ts'
