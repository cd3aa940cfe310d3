// The event stream port: Apache Kafka in production, an in-process log embedded. Both give the
// same semantics: topics split into partitions, consumer groups sharing the partitions, offsets
// committed per group after a batch is handled (at-least-once), and reading again from any offset.

export interface StreamMessage {
  topic: string
  value: Buffer
  /** Records with a key keep their order (same partition); without one they are spread. */
  key?: string
  /** Forces the partition, mostly for tests. */
  partition?: number
  /** W3C trace context and other metadata, as Kafka record headers; not changed once produced. */
  headers?: Record<string, string>
}

export interface StreamRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: bigint
  readonly key: string | undefined
  readonly value: Buffer
  readonly headers: Readonly<Record<string, string>>
  /** Broker (or append) time in ms. */
  readonly timestamp: number
}

export interface PartitionOffset {
  partition: number
  offset: bigint
}

export interface SubscribeOptions {
  topic: string
  group: string
  /**
   * Called with each batch of records of one or more partitions, in offset order per partition.
   * When it resolves the batch's offsets are committed; when it throws the same batch is handed
   * again after `retryDelayMs`, so the handler must be idempotent (or store offsets itself).
   */
  handler: (records: readonly StreamRecord[]) => Promise<void>
  /** Where a group without a committed offset starts. */
  fromBeginning?: boolean
  /** Start these partitions at these offsets instead of the committed ones (replay). */
  startOffsets?: readonly PartitionOffset[]
  maxBatch?: number
  /** How long a partial batch waits for more records before it is handed over. */
  maxWaitMs?: number
  retryDelayMs?: number
  onError?: (error: unknown) => void
}

export interface PartitionLag {
  partition: number
  /** Records after the last committed offset of the group. */
  lag: number
}

export interface Subscription {
  /** Partitions this member currently owns. */
  assignment(): number[]
  /** Stops fetching, waits for the batch in flight (and its commit), leaves the group. */
  close(): Promise<void>
}

export interface Stream {
  readonly kind: 'kafka' | 'memory'
  /** Creates the topic when missing; an existing topic is left as it is. */
  createTopic(topic: string, partitions: number): Promise<void>
  /** Resolves once every message is acknowledged (Kafka: by all in-sync replicas). */
  produce(messages: readonly StreamMessage[]): Promise<void>
  subscribe(options: SubscribeOptions): Promise<Subscription>
  /** Per-partition lag of a group: end offset minus committed offset. */
  lag(topic: string, group: string): Promise<PartitionLag[]>
  ping(): Promise<void>
  close(): Promise<void>
}
