// Apache Kafka through @platformatic/kafka (pure JS, maintained, Kafka 3.5–4.1). The producer is
// idempotent with acks from all in-sync replicas; consumers join a group, commit offsets only
// after their handler finished a batch, and can start from given offsets (replay).
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin, Consumer, type Message, Producer } from '@platformatic/kafka'
import type {
  PartitionLag,
  PartitionOffset,
  Stream,
  StreamMessage,
  StreamRecord,
  SubscribeOptions,
  Subscription,
} from './port.ts'

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>

export interface KafkaStreamOptions {
  brokers: readonly string[]
  clientId?: string
}

export function createKafkaStream(options: KafkaStreamOptions): Stream {
  const bootstrapBrokers = [...options.brokers]
  const clientId = options.clientId ?? 'bakery'
  // Timeouts short enough that a dead broker turns into a 503 quickly rather than a hung request.
  const base = { bootstrapBrokers, timeout: 5000, retries: 2, retryDelay: 250 }
  const admin = new Admin({ ...base, clientId: `${clientId}-admin` })
  const subscriptions = new Set<Subscription>()
  const send = createSendQueue(base, clientId)
  async function partitionsOf(topic: string): Promise<number> {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true })
    return metadata.topics.get(topic)?.partitionsCount ?? 0
  }

  async function endOffsets(topic: string, partitions: number): Promise<bigint[]> {
    const [listed] = await admin.listOffsets({
      topics: [
        { name: topic, partitions: range(partitions).map((p) => ({ partitionIndex: p, timestamp: -1n })) },
      ],
    })
    const out = range(partitions).map(() => 0n)
    for (const p of listed?.partitions ?? []) out[p.partitionIndex] = p.offset
    return out
  }

  async function committedOffsets(topic: string, group: string, partitions: number): Promise<bigint[]> {
    const [listed] = await admin.listConsumerGroupOffsets({
      groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes: range(partitions) }] }],
    })
    const out = range(partitions).map(() => -1n)
    for (const t of listed?.topics ?? []) {
      for (const p of t.partitions) out[p.partitionIndex] = p.committedOffset
    }
    return out
  }

  return {
    kind: 'kafka',
    async createTopic(topic, partitions) {
      try {
        await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
      } catch (error) {
        if (!/already exists/i.test(describe(error))) throw error
      }
    },
    async produce(messages: readonly StreamMessage[]) {
      if (messages.length === 0) return
      await send.enqueue(messages)
    },
    async subscribe(subscribeOptions) {
      let offsets: PartitionOffset[] | undefined
      if (subscribeOptions.startOffsets?.length) {
        // Kafka's manual mode starts unlisted partitions at the fallback; use the group's commits.
        const count = await partitionsOf(subscribeOptions.topic)
        const committed = await committedOffsets(subscribeOptions.topic, subscribeOptions.group, count)
        offsets = range(count).map((p) => ({
          partition: p,
          offset:
            subscribeOptions.startOffsets?.find((s) => s.partition === p)?.offset ??
            ((committed[p] ?? -1n) >= 0n ? (committed[p] ?? 0n) : 0n),
        }))
      }
      const subscription = await superviseKafka(base, clientId, subscribeOptions, offsets)
      subscriptions.add(subscription)
      return {
        assignment: subscription.assignment,
        async close() {
          subscriptions.delete(subscription)
          await subscription.close()
        },
      }
    },
    async lag(topic, group) {
      const count = await partitionsOf(topic)
      const [ends, committed] = await Promise.all([
        endOffsets(topic, count),
        committedOffsets(topic, group, count),
      ])
      return ends.map(
        (end, partition): PartitionLag => ({
          partition,
          lag: Number(end - ((committed[partition] ?? -1n) >= 0n ? (committed[partition] ?? 0n) : 0n)),
        }),
      )
    },
    async ping() {
      await admin.metadata({ topics: [], forceUpdate: true })
    },
    async close() {
      await Promise.allSettled([...subscriptions].map((s) => s.close()))
      await send.close()
      await admin.close().catch(() => {})
    },
  }
}

/**
 * Keeps a subscription alive: when its message stream fails for good (the client gave up), the
 * consumer is closed and a new one joins the group after the retry delay, resuming from the
 * group's commits, so a broker outage never leaves a consumer silently idle.
 */
async function superviseKafka(
  base: Base,
  clientId: string,
  options: SubscribeOptions,
  offsets: PartitionOffset[] | undefined,
): Promise<Subscription> {
  let closed = false
  let current: Subscription | undefined
  let restarting: Promise<void> = Promise.resolve()
  const open = async (): Promise<void> => {
    current = await subscribeKafka(base, clientId, options, offsets, (error) => {
      options.onError?.(error)
      restarting = restarting.then(async () => {
        await current?.close()
        current = undefined
        while (!closed && !current) {
          await sleep(options.retryDelayMs ?? 1000)
          if (!closed) await open().catch((e: unknown) => options.onError?.(e))
        }
      })
    })
  }
  await open()
  return {
    assignment: () => current?.assignment() ?? [],
    async close() {
      closed = true
      await restarting
      await current?.close()
    },
  }
}

type Base = { bootstrapBrokers: string[]; timeout: number; retries: number; retryDelay: number }

/**
 * One send in flight per producer: @platformatic/kafka 1.35 gives concurrent idempotent sends
 * out-of-order sequence numbers (measured: OUT_OF_ORDER_SEQUENCE_NUMBER, then every later send
 * fails). So sends run on SEND_LANES producers, one send in flight each: a batch arriving while
 * every lane is busy is coalesced into a lane's next send (group commit, which keeps small API
 * batches cheap), and a batch arriving while one is idle goes at once instead of waiting a round
 * trip behind another (with one producer, 4 clients posting batches of 100 each waited about two
 * broker round trips). One call's messages always go in one send of one producer, so their order
 * per partition holds; concurrent calls were never ordered against each other. After a failed
 * send the lane's producer is replaced, so a broken sequence state never outlives the error it
 * caused.
 */
export const SEND_LANES = 4

/** Bytes of record values one send gathers while another lane is idle: a few small API batches
 * (100 events are ~4 KB), not a batch of 1,000, which goes on its own lane as before. */
export const LINGER_BYTES = 32 * 1024

const bytesOf = (messages: readonly StreamMessage[]): number => {
  let bytes = 0
  for (const m of messages) bytes += m.value.length
  return bytes
}

type Waiting = {
  messages: readonly StreamMessage[]
  /** Bytes of the record values, counted once when enqueued. */
  bytes: number
  resolve: () => void
  reject: (e: unknown) => void
}

function createSendQueue(base: Base, clientId: string, lanes = SEND_LANES) {
  const MAX_MESSAGES = 20_000
  const producers: (Producer<Buffer, Buffer, Buffer, Buffer> | undefined)[] = Array.from({ length: lanes })
  const running: (Promise<void> | undefined)[] = Array.from({ length: lanes })
  let waiting: Waiting[] = []

  const open = (lane: number) => {
    const producer =
      producers[lane] ??
      new Producer({ ...base, clientId: `${clientId}-producer-${lane}`, idempotent: true, acks: -1 })
    producers[lane] = producer
    return producer
  }

  async function drain(lane: number): Promise<void> {
    try {
      await drainAll(lane)
    } finally {
      // Cleared in the same tick as the last emptiness check, so no enqueue is left unserved.
      running[lane] = undefined
    }
  }

  /**
   * The next send's batches: while another lane is idle, at most LINGER_BYTES of values, so large
   * batches still go out in parallel on their own lanes; when every lane is busy, anything waiting
   * up to MAX_MESSAGES (group commit).
   */
  function take(): Waiting[] {
    const group: Waiting[] = []
    const lingering = running.includes(undefined)
    let count = 0
    let bytes = 0
    while (waiting.length > 0) {
      const next = waiting[0] as Waiting
      const size = next.bytes
      const full = count + next.messages.length > MAX_MESSAGES || (lingering && bytes + size > LINGER_BYTES)
      if (group.length > 0 && full) break
      waiting.shift()
      waitingBytes -= size
      group.push(next)
      count += next.messages.length
      bytes += size
    }
    return group
  }

  async function drainAll(lane: number): Promise<void> {
    while (waiting.length > 0) {
      const group = take()
      // What did not fit goes on another lane now, not after this send.
      if (waiting.length > 0 && !starting) startIdle(false)
      try {
        await open(lane).send({ messages: group.flatMap((g) => g.messages.map(toKafka)) })
        for (const g of group) g.resolve()
      } catch (error) {
        for (const g of group) g.reject(error)
        const broken = producers[lane]
        producers[lane] = undefined
        await broken?.close().catch(() => {})
      }
    }
  }

  // The linger: an idle lane starts its send one event-loop turn later (setImmediate, after the
  // I/O callbacks of this turn), not at once, so small batches of requests that arrived together
  // (4 clients' posts read in one poll) go in one produce request instead of one each. The delay
  // is no timer, so a lone batch waits only for the callbacks already due; and it is bounded in
  // bytes like a Kafka producer's batch: once LINGER_BYTES wait, the send starts at once.
  let starting = false
  let waitingBytes = 0
  const startSoon = (lane: number) =>
    new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      starting = false
      return drain(lane)
    })
  function startIdle(linger: boolean): void {
    const idle = running.indexOf(undefined)
    if (idle < 0) return
    if (linger) {
      starting = true
      running[idle] = startSoon(idle)
    } else running[idle] = drain(idle)
  }

  return {
    enqueue(messages: readonly StreamMessage[]): Promise<void> {
      const bytes = bytesOf(messages)
      const done = new Promise<void>((resolve, reject) => waiting.push({ messages, bytes, resolve, reject }))
      waitingBytes += bytes
      // While a lane is starting, batches join its send until the bound is reached.
      if (starting && waitingBytes < LINGER_BYTES) return done
      startIdle(waitingBytes < LINGER_BYTES)
      return done
    },
    async close() {
      await Promise.all(running)
      waiting = []
      waitingBytes = 0
      await Promise.all(producers.map((p) => p?.close().catch(() => {})))
    },
  }
}

// The event API gives every record of a batch the same headers object: encode it once.
const encodedHeaders = new WeakMap<Record<string, string>, Map<Buffer, Buffer>>()

function headersOf(headers: Record<string, string> | undefined): Map<Buffer, Buffer> {
  if (!headers) return new Map()
  let encoded = encodedHeaders.get(headers)
  if (!encoded) {
    encoded = new Map(Object.entries(headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))
    encodedHeaders.set(headers, encoded)
  }
  return encoded
}

function toKafka(m: StreamMessage) {
  return {
    topic: m.topic,
    value: m.value,
    ...(m.key === undefined ? {} : { key: Buffer.from(m.key) }),
    ...(m.partition === undefined ? {} : { partition: m.partition }),
    headers: headersOf(m.headers),
  }
}

async function subscribeKafka(
  base: Base,
  clientId: string,
  options: SubscribeOptions,
  offsets: PartitionOffset[] | undefined,
  onFatal: (error: unknown) => void,
): Promise<Subscription> {
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...base,
    // A consumer retries its connection for as long as it runs.
    retries: true,
    clientId: `${clientId}-${options.group}-${randomUUID().slice(0, 8)}`,
    groupId: options.group,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 10_000,
    maxWaitTime: Math.max(10, Math.min(options.maxWaitMs ?? 500, 1000)),
  })
  const stream = await consumer.consume({
    topics: [options.topic],
    autocommit: false,
    ...(offsets
      ? { mode: 'manual', offsets: offsets.map((o) => ({ topic: options.topic, ...o })) }
      : { mode: 'committed', fallbackMode: options.fromBeginning ? 'earliest' : 'latest' }),
  })
  const maxBatch = options.maxBatch ?? 500
  const buffer: KafkaMessage[] = []
  let timer: NodeJS.Timeout | undefined
  let flushing: Promise<void> = Promise.resolve()
  let closing = false

  const handleBatch = async (batch: KafkaMessage[]): Promise<void> => {
    const records = batch.map(toRecord)
    let handled = false
    while (!handled && !closing) {
      try {
        await options.handler(records)
        handled = true
      } catch (error) {
        options.onError?.(error)
        await sleep(options.retryDelayMs ?? 1000)
      }
    }
    // Closing mid-retry commits nothing: the next member of the group reads the batch again.
    if (!handled) return
    const last = new Map<number, KafkaMessage>()
    for (const message of batch) last.set(message.partition, message)
    for (const message of last.values()) {
      await new Promise<void>((resolve) => {
        // A commit refused after a rebalance only means the new owner reads these records again.
        void message.commit((error) => {
          if (error) options.onError?.(error)
          resolve()
        })
      })
    }
  }

  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    if (buffer.length === 0) return
    const batch = buffer.splice(0, maxBatch)
    flushing = flushing.then(() => handleBatch(batch))
    void flushing.then(() => {
      if (!closing && buffer.length < maxBatch) stream.resume()
      if (buffer.length > 0) schedule()
    })
  }
  const schedule = () => {
    if (buffer.length >= maxBatch) {
      stream.pause()
      flush()
    } else timer ??= setTimeout(flush, options.maxWaitMs ?? 200)
  }
  stream.on('data', (message: KafkaMessage) => {
    buffer.push(message)
    schedule()
  })
  let failed = false
  stream.on('error', (error: unknown) => {
    if (closing || failed) return
    failed = true
    onFatal(error)
  })

  return {
    assignment: () => {
      const assignments = consumer.assignments ?? []
      return assignments.flatMap((a) => (a.topic === options.topic ? a.partitions : []))
    },
    async close() {
      clearTimeout(timer)
      stream.pause()
      closing = true
      buffer.length = 0
      await flushing
      await stream.close().catch(() => {})
      await new Promise<void>((resolve) => consumer.close(true, () => resolve()))
    },
  }
}

function toRecord(message: KafkaMessage): StreamRecord {
  const headers: Record<string, string> = {}
  for (const [k, v] of message.headers) headers[k.toString()] = v.toString()
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key?.length ? message.key.toString() : undefined,
    value: message.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(message.timestamp),
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i)
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join('; ')
  if (error instanceof Error) {
    const nested = (error as { errors?: unknown[] }).errors
    return `${error.message} ${Array.isArray(nested) ? nested.map(describe).join('; ') : ''}`
  }
  return String(error)
}
