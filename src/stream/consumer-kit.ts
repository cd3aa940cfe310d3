// What consumer-high and consumer-low share: a group subscription on the events topic, parsing
// that counts bad records instead of crashing, one consumer span per batch linked to the producer
// spans, the lag gauge, and an HTTP port for probes and /metrics.
import { context, type Link, trace } from '@opentelemetry/api'
import { createHttpService, type HttpService, httpEdge } from '../platform/http/index.ts'
import type { ReadinessCheck } from '../platform/lifecycle/index.ts'
import type { Stream, StreamRecord, Subscription } from '../platform/stream/index.ts'
import { markSpanError, producerSpanContext, startConsumerSpan } from '../platform/telemetry/index.ts'
import type { StreamDeps } from './config.ts'
import { isDisabled } from './disabled.ts'
import { consumerGroup, parseEvent, type StreamEvent } from './event.ts'
import { createIngestMetrics, createLagMonitor } from './metrics.ts'

export interface ParsedRecord {
  record: StreamRecord
  event: StreamEvent
}

export interface ConsumerSpec {
  name: 'consumer-high' | 'consumer-low'
  /** Prepares the store (migrations, database); runs before the subscription starts. */
  prepare(): Promise<void>
  /** Writes the batch's events that belong to this consumer; must be idempotent per record. */
  write(batch: readonly StreamRecord[], events: readonly ParsedRecord[]): Promise<number>
  /** Keeps the events of this consumer's side of the watermark. */
  accepts(event: StreamEvent): boolean
  readiness: readonly ReadinessCheck[]
}

const MAX_LINKS = 32

export function createStreamConsumer(deps: StreamDeps, spec: ConsumerSpec): HttpService {
  const { config, telemetry, log } = deps
  const group = consumerGroup(config.streamGroupPrefix, spec.name)
  const metrics = createIngestMetrics(telemetry.meter, spec.name)
  let stream: Stream | undefined
  let subscription: Subscription | undefined
  let lag: ReturnType<typeof createLagMonitor> | undefined

  async function handle(records: readonly StreamRecord[]): Promise<void> {
    // A new trace per batch, linked to the producer span(s) carried in the record headers. A
    // recorded producer span comes first: the sampler decides on the links the span starts with.
    const first = (records.find((r) => producerSpanContext(r.headers)?.traceFlags === 1) ?? records[0])
      ?.headers
    const span = startConsumerSpan(telemetry.tracer, `${config.kafkaTopic} process`, first, {
      attributes: {
        'messaging.system': stream?.kind === 'kafka' ? 'kafka' : 'bakery-memory',
        'messaging.destination.name': config.kafkaTopic,
        'messaging.consumer.group.name': group,
        'messaging.operation.type': 'process',
        'messaging.batch.message_count': records.length,
      },
    })
    const firstSpanId = producerSpanContext(first)?.spanId
    const more = producerLinks(records).filter((l) => l.context.spanId !== firstSpanId)
    if (more.length > 0) span.addLinks(more)
    try {
      const mine: ParsedRecord[] = []
      let bad = 0
      for (const record of records) {
        const parsed = parseEvent(record.value.toString('utf8'))
        if (!parsed.ok) {
          bad++
          log.warn(
            { partition: record.partition, offset: String(record.offset), reason: parsed.reason },
            'skipping a bad record',
          )
        } else if (spec.accepts(parsed.event)) mine.push({ record, event: parsed.event })
      }
      metrics.rejected(bad, 'bad_record')
      // The store's queries run inside the batch span, so their spans are its children.
      const written = await context.with(trace.setSpan(context.active(), span), () =>
        spec.write(records, mine),
      )
      metrics.ingested(written)
      span.setAttribute('bakery.stream.events.written', written)
    } catch (error) {
      markSpanError(span, error)
      throw error
    } finally {
      span.end()
    }
  }

  return createHttpService({
    name: spec.name,
    host: config.host,
    port: deps.port,
    log,
    telemetry,
    bodyLimit: config.bodyLimitBytes,
    edge: httpEdge(config),
    readiness: [{ name: 'kafka', check: async () => (await deps.infra.stream()).ping() }, ...spec.readiness],
    routes(app) {
      app.get('/', async (_request, reply) => reply.type('text/plain').send('ok'))
    },
    async onStart() {
      // DISABLE: the consumer stays idle (seed), answering probes only.
      if (isDisabled(config, spec.name)) return
      stream = await deps.infra.stream()
      await spec.prepare()
      await stream
        .createTopic(config.kafkaTopic, config.streamPartitions)
        .catch((error: unknown) => log.warn({ err: error }, 'could not create the topic'))
      subscription = await stream.subscribe({
        topic: config.kafkaTopic,
        group,
        fromBeginning: true,
        handler: handle,
        maxBatch: config.streamBatchSize,
        maxWaitMs: config.streamFlushMs,
        retryDelayMs: config.streamRetryMs,
        onError: (error) => log.warn({ err: error }, 'batch failed; retrying it'),
      })
      lag = createLagMonitor({ meter: telemetry.meter, stream, topic: config.kafkaTopic, group, log })
      lag.start()
      log.info({ group, topic: config.kafkaTopic }, 'consuming')
    },
    async onStop() {
      lag?.stop()
      await subscription?.close()
    },
  })
}

function producerLinks(records: readonly StreamRecord[]): Link[] {
  const links = new Map<string, Link>()
  for (const record of records) {
    if (links.size >= MAX_LINKS) break
    const context = producerSpanContext(record.headers)
    if (context && !links.has(context.spanId)) {
      links.set(context.spanId, { context, attributes: { 'bakery.link': 'producer' } })
    }
  }
  return [...links.values()]
}
