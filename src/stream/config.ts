// The stream pipeline's settings (the seed's names where the seed had one).
import { type ConfigOf, decimal, flag, integer, listOf, port, text, url } from '../platform/config/fields.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'

/** The stream services BAKERY_DISABLE can switch off one by one. */
export const STREAM_SERVICES = [
  'producer',
  'event-api',
  'consumer-high',
  'consumer-low',
  'aggregator',
] as const

export const streamPorts = {
  eventApiPort: port('BAKERY_EVENT_API_PORT', 9998, 'Stream event API'),
  aggregatorPort: port('BAKERY_AGGREGATOR_PORT', 9995, 'Stream aggregator (GET /api)'),
  consumerHighPort: port('BAKERY_CONSUMER_HIGH_PORT', 9996, 'Stream consumer-high health and metrics'),
  consumerLowPort: port('BAKERY_CONSUMER_LOW_PORT', 9997, 'Stream consumer-low health and metrics'),
} as const

export const streamTopicSettings = {
  disable: flag('DISABLE', false, {
    doc: 'Stream services do nothing (producer drops, API and aggregator answer without work); also the -x flag',
  }),
  disabledServices: listOf('BAKERY_DISABLE', '', STREAM_SERVICES, {
    doc: 'Stream services that do nothing, as DISABLE does for all of them (e.g. producer,consumer-low)',
  }),
  kafkaTopic: text('KAFKA_TOPIC', 'events', { doc: 'Topic of the stream events', maxLength: 200 }),
  streamPartitions: integer('BAKERY_STREAM_PARTITIONS', 3, {
    min: 1,
    max: 256,
    doc: 'Partitions of the events topic when the pipeline creates it',
  }),
  streamGroupPrefix: text('BAKERY_STREAM_GROUP_PREFIX', 'bakery', {
    doc: 'Consumer groups are <prefix>.consumer-high and <prefix>.consumer-low',
    maxLength: 100,
  }),
  streamSchema: text('BAKERY_STREAM_SCHEMA', 'stream', {
    doc: 'PostgreSQL schema of consumer-high (events, state) read by the aggregator',
    maxLength: 63,
  }),
  watermark: decimal('WATERMARK', 5, {
    min: -1e9,
    max: 1e9,
    doc: 'Threshold: amount > WATERMARK goes to consumer-high, the rest (5 included) to consumer-low',
  }),
  aggregatorMaxSubscribers: integer('BAKERY_AGGREGATOR_MAX_SUBSCRIBERS', 200, {
    min: 1,
    max: 100000,
    doc: 'Live streams (GET /api/stream) the aggregator serves at once; 503 with Retry-After beyond. Subscribers of one bucket size share one query per bucket',
  }),
} as const

export const streamFlowSettings = {
  streamRate: decimal('BAKERY_STREAM_RATE', 1, {
    min: 0.01,
    max: 100000,
    doc: 'Events per second the producer creates',
  }),
  streamPostIntervalMs: integer('BAKERY_STREAM_POST_INTERVAL_MS', 2000, {
    min: 10,
    max: 600000,
    doc: 'How often the producer posts its buffer to the event API',
  }),
  streamApiUrl: url('BAKERY_STREAM_API_URL', 'http://127.0.0.1:9998/', ['http:', 'https:'], {
    doc: 'Event API the producer posts to (seed API_HOST/API_PORT also work)',
  }),
  plainText: flag('PLAIN_TEXT', false, {
    doc: 'Producer posts application/text (one JSON event per line) instead of a JSON array',
  }),
  streamMaxEvents: integer('BAKERY_STREAM_MAX_EVENTS', 10000, {
    min: 1,
    max: 1000000,
    doc: 'Most events one event API request may carry (400 above)',
  }),
  streamBatchSize: integer('BAKERY_STREAM_BATCH_SIZE', 10000, {
    min: 1,
    max: 1000000,
    doc: 'Most records a consumer writes in one store batch',
  }),
  // Not the seed's 2 s: a batch's first event waits up to this long, so 2 s put the lag's p99
  // above 2 s; 500 ms keeps it under 1 s at 1,000 events/s and still writes ~500 rows a batch.
  streamFlushMs: integer('BAKERY_STREAM_FLUSH_MS', 500, {
    min: 1,
    max: 600000,
    doc: 'How long a consumer waits to fill a batch before writing it (the seed waited 2000)',
  }),
  streamRetryMs: integer('BAKERY_STREAM_RETRY_MS', 5000, {
    min: 1,
    max: 600000,
    doc: 'Pause before a consumer retries a batch its store refused',
  }),
  streamDeadLetterAttempts: integer('BAKERY_STREAM_DEAD_LETTER_ATTEMPTS', 3, {
    min: 1,
    max: 100,
    doc: 'Tries of a consumer batch that its store refuses for good (a permanent error) before its records are written one by one and the refused ones go to the dead-letter topic (KAFKA_TOPIC plus .dlq); transient errors are retried without limit',
  }),
} as const

export const streamSchema = { ...streamPorts, ...streamTopicSettings, ...streamFlowSettings } as const

export type StreamConfig = ConfigOf<typeof streamSchema>
/** What a stream service receives: the platform's settings and the stream's own. */
export type StreamDeps = ServiceDeps<StreamConfig>
