// What consumer-high and consumer-low share: a group subscription on the events topic, parsing
// that dead-letters bad records instead of crashing, a bounded number of tries for records the
// store refuses for good, one consumer span per batch linked to the producer spans, the lag
// gauge, and an HTTP port for probes and /metrics.
import { context, type Link, trace } from '@opentelemetry/api'
import { createServiceHttp, type HttpService } from '../platform/http/index.ts'
import type { ReadinessCheck } from '../platform/lifecycle/index.ts'
import type { Stream, StreamRecord, Subscription } from '../platform/stream/index.ts'
import { markSpanError, producerSpanContext, startConsumerSpan } from '../platform/telemetry/index.ts'
import type { StreamDeps } from './config.ts'
import {
  createAttemptCounter,
  createDeadLetters,
  type DeadLetter,
  isPermanentStoreError,
} from './dead-letter.ts'
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

  const deadLetters = createDeadLetters({
    stream: () => stream,
    topic: config.kafkaTopic,
    group,
    service: spec.name,
    meter: telemetry.meter,
    log,
  })
  const attempts = createAttemptCounter()

  /**
   * Writes the batch. A transient failure throws (the subscription retries the batch as before);
   * a permanent one throws too until the batch has failed BAKERY_STREAM_DEAD_LETTER_ATTEMPTS
   * times, then its records are written one by one and those refused for good are dead-lettered.
   */
  async function store(records: readonly StreamRecord[], mine: readonly ParsedRecord[]): Promise<number> {
    try {
      const written = await spec.write(records, mine)
      attempts.succeeded(records)
      return written
    } catch (error) {
      if (!isPermanentStoreError(error)) throw error
      const tries = attempts.failed(records)
      if (tries < config.streamDeadLetterAttempts) throw error
      let written = 0
      const refused: DeadLetter[] = []
      for (const item of mine) {
        try {
          written += await spec.write([item.record], [item])
        } catch (single) {
          if (!isPermanentStoreError(single)) throw single
          const detail = single instanceof Error ? single.message : String(single)
          refused.push({ record: item.record, reason: 'store_rejected', detail })
        }
      }
      // The store's own offsets (consumer-high keeps them beside the rows) move past the batch.
      await spec.write(records, [])
      await deadLetters.send(refused, tries + 1)
      attempts.succeeded(records)
      return written
    }
  }

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
      const bad: DeadLetter[] = []
      for (const record of records) {
        const parsed = parseEvent(record.value.toString('utf8'))
        if (!parsed.ok) bad.push({ record, reason: 'bad_record', detail: `record ${parsed.reason}` })
        else if (spec.accepts(parsed.event)) mine.push({ record, event: parsed.event })
      }
      // The store's queries run inside the batch span, so their spans are its children.
      const written = await context.with(trace.setSpan(context.active(), span), () => store(records, mine))
      // A malformed record never parses: it is dead-lettered with the batch's first success (not
      // on every retry while the store is down).
      metrics.rejected(bad.length, 'bad_record')
      await deadLetters.send(bad, 1)
      metrics.ingested(written)
      span.setAttribute('bakery.stream.events.written', written)
    } catch (error) {
      markSpanError(span, error)
      throw error
    } finally {
      span.end()
    }
  }

  return createServiceHttp(deps, {
    name: spec.name,
    readiness: [{ name: 'kafka', check: async () => (await deps.infra.stream()).ping() }, ...spec.readiness],
    routes(app) {
      app.get('/', async (_request, reply) => reply.type('text/plain').send('ok'))
    },
    async onStart() {
      // DISABLE: the consumer stays idle (seed), answering probes only.
      if (isDisabled(config, spec.name)) return
      stream = await deps.infra.stream()
      await spec.prepare()
      for (const topic of [config.kafkaTopic, deadLetters.topic]) {
        await stream
          .createTopic(topic, config.streamPartitions)
          .catch((error: unknown) => log.warn({ err: error, topic }, 'could not create the topic'))
      }
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
