import type { Stream } from './port.ts'

export type {
  PartitionLag,
  PartitionOffset,
  Stream,
  StreamMessage,
  StreamRecord,
  SubscribeOptions,
  Subscription,
} from './port.ts'

/** `memory://` → the embedded stream; otherwise a list of Kafka bootstrap brokers (host:port). */
export async function openStream(
  brokers: readonly string[] | 'memory://',
  options: { clientId?: string; retention?: { maxBytes: number; maxAgeMs: number } } = {},
): Promise<Stream> {
  if (brokers === 'memory://' || brokers.length === 0) {
    const { createMemoryStream } = await import('./memory.ts')
    const retention = options.retention
    return createMemoryStream(
      retention ? { maxBytesPerPartition: retention.maxBytes, maxAgeMs: retention.maxAgeMs } : undefined,
    )
  }
  const { createKafkaStream } = await import('./kafka.ts')
  return createKafkaStream({ brokers, ...options })
}
