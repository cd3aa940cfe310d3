// Records that can never be stored leave the consumer's retry loop: a malformed record at once, a
// record its store refuses for good (a permanent error, seen on BAKERY_STREAM_DEAD_LETTER_ATTEMPTS
// tries of its batch and once alone) after its batch-mates were written one by one. They go to
// `<topic>.dlq` on the same stream (Kafka, or the embedded log) with the reason in headers, are
// counted and logged. Transient failures (a store or broker down) keep the batch retrying as
// before, so an outage loses nothing.
import type { Meter } from '@opentelemetry/api'
import { isRetryableDbError } from '../platform/db/index.ts'
import { BakeryError } from '../platform/errors.ts'
import type { Logger } from '../platform/log/index.ts'
import type { Stream, StreamRecord } from '../platform/stream/index.ts'

export type DeadLetterReason = 'bad_record' | 'store_rejected'

export interface DeadLetter {
  record: StreamRecord
  reason: DeadLetterReason
  /** What refused it: the parse failure or the store's error message. */
  detail: string
}

// SQLSTATE classes of a value the database will never take: data exceptions (22: out of range,
// invalid text, datetime overflow) and integrity constraints (23: check, not null, foreign key).
// Anything else (a missing table, permissions) is a deployment problem: retried, never dropped.
const PERMANENT_SQLSTATE = /^(22|23)[0-9A-Z]{3}$/

/** True when writing the same data again can never succeed; false means retry (unchanged). */
export function isPermanentStoreError(error: unknown): boolean {
  if (error instanceof BakeryError) return !error.retryable
  if (isRetryableDbError(error)) return false
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && PERMANENT_SQLSTATE.test(code)
}

export const deadLetterTopic = (topic: string) => `${topic}.dlq`

export function createDeadLetters(options: {
  stream: () => Stream | undefined
  topic: string
  group: string
  service: string
  meter: Meter
  log: Logger
}) {
  const { topic, group, service, log } = options
  const target = deadLetterTopic(topic)
  const counter = options.meter.createCounter('bakery.stream.dead_letters', {
    description: 'Records sent to the dead-letter topic because they can never be stored',
    unit: '{record}',
  })
  for (const reason of ['bad_record', 'store_rejected'] satisfies DeadLetterReason[])
    counter.add(0, { service, reason })
  return {
    topic: target,
    /** Produces the records to the dead-letter topic; throws (the batch is retried) if it cannot. */
    async send(letters: readonly DeadLetter[], attempts: number): Promise<void> {
      const stream = options.stream()
      if (letters.length === 0 || !stream) return
      await stream.produce(
        letters.map(({ record, reason, detail }) => ({
          topic: target,
          value: record.value,
          ...(record.key === undefined ? {} : { key: record.key }),
          headers: {
            ...record.headers,
            'bakery.dlq.reason': reason,
            'bakery.dlq.detail': detail.slice(0, 500),
            'bakery.dlq.topic': record.topic,
            'bakery.dlq.partition': String(record.partition),
            'bakery.dlq.offset': String(record.offset),
            'bakery.dlq.group': group,
            'bakery.dlq.attempts': String(attempts),
          },
        })),
      )
      for (const { record, reason, detail } of letters) {
        counter.add(1, { service, reason })
        log.error(
          { partition: record.partition, offset: String(record.offset), reason, detail, dlq: target },
          'record sent to the dead-letter topic',
        )
      }
    },
  }
}

/** Failed attempts per batch (by its first record), bounded: a forgotten count only restarts. */
export function createAttemptCounter(max = 1000) {
  const counts = new Map<string, number>()
  const key = (records: readonly StreamRecord[]) => {
    const first = records[0]
    return first ? `${first.topic}:${first.partition}:${first.offset}` : ''
  }
  return {
    failed(records: readonly StreamRecord[]): number {
      const k = key(records)
      const n = (counts.get(k) ?? 0) + 1
      if (!counts.has(k) && counts.size >= max) counts.delete(counts.keys().next().value as string)
      counts.set(k, n)
      return n
    },
    succeeded(records: readonly StreamRecord[]): void {
      counts.delete(key(records))
    },
  }
}
