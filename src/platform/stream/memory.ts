// The embedded stream: an append-only log per partition in process memory, with consumer groups
// that split partitions among their members and keep committed offsets, as Kafka does. Nothing
// survives the process; it exists so `bakery start` runs the stream pipeline without a broker.

import { setTimeout as sleep } from 'node:timers/promises'
import { BakeryError, ErrorCode } from '../errors.ts'
import type {
  PartitionLag,
  Stream,
  StreamMessage,
  StreamRecord,
  SubscribeOptions,
  Subscription,
} from './port.ts'

const DEFAULT_PARTITIONS = 3

export interface MemoryRetention {
  /** Bytes (keys and values) one partition keeps; the oldest records go first beyond it. */
  maxBytesPerPartition: number
  /** Age after which records are dropped. */
  maxAgeMs: number
}

/** What retention has dropped so far, as Kafka's log retention would have. */
export interface RetentionStats {
  droppedRecords: number
  droppedBytes: number
}

// A partition's log: `base` is the offset of records[0], so offsets stay stable when the
// front is dropped; a consumer behind `base` resumes at it (Kafka's auto.offset.reset=earliest).
interface Partition {
  base: bigint
  records: StreamRecord[]
  bytes: number
}

const recordBytes = (r: StreamRecord) => r.value.length + (r.key?.length ?? 0) + 64

interface Member {
  readonly id: number
  readonly options: SubscribeOptions
  assigned: number[]
  positions: Map<number, bigint>
  wake: () => void
}

interface Group {
  committed: Map<number, bigint>
  members: Member[]
}

function closedError(): BakeryError {
  return new BakeryError(ErrorCode.STREAM_UNAVAILABLE, 'stream is closed', { retryable: true })
}

export function createMemoryStream(
  retention: MemoryRetention = { maxBytesPerPartition: 16 * 1024 * 1024, maxAgeMs: 3_600_000 },
): Stream & { retentionStats(): RetentionStats } {
  const topics = new Map<string, Partition[]>()
  const stats: RetentionStats = { droppedRecords: 0, droppedBytes: 0 }
  const groups = new Map<string, Group>()
  const roundRobin = new Map<string, number>()
  let nextMember = 1
  let closed = false
  const open = new Set<Subscription>()

  function topicLog(topic: string, partitions = DEFAULT_PARTITIONS): Partition[] {
    let log = topics.get(topic)
    if (!log) {
      log = Array.from({ length: partitions }, () => ({ base: 0n, records: [], bytes: 0 }))
      topics.set(topic, log)
    }
    return log
  }

  const end = (partition: Partition | undefined) =>
    partition ? partition.base + BigInt(partition.records.length) : 0n

  function trim(partition: Partition, now: number): void {
    let drop = 0
    let bytes = 0
    const oldest = now - retention.maxAgeMs
    for (const record of partition.records) {
      if (partition.bytes - bytes <= retention.maxBytesPerPartition && record.timestamp >= oldest) break
      bytes += recordBytes(record)
      drop++
    }
    if (drop === 0) return
    partition.records.splice(0, drop)
    partition.base += BigInt(drop)
    partition.bytes -= bytes
    stats.droppedRecords += drop
    stats.droppedBytes += bytes
  }

  function groupOf(topic: string, name: string): Group {
    const key = `${topic}\u0000${name}`
    let group = groups.get(key)
    if (!group) {
      group = { committed: new Map(), members: [] }
      groups.set(key, group)
    }
    return group
  }

  function startOffset(member: Member, group: Group, partition: number, log: Partition[]): bigint {
    const forced = member.options.startOffsets?.find((s) => s.partition === partition)
    if (forced) return forced.offset
    const committed = group.committed.get(partition)
    if (committed !== undefined) return committed
    return member.options.fromBeginning ? (log[partition]?.base ?? 0n) : end(log[partition])
  }

  // Range assignment over members in join order; a moved partition resumes from the commit.
  function rebalance(topic: string, group: Group): void {
    const log = topicLog(topic)
    group.members.forEach((member, index) => {
      const assigned = log.map((_, p) => p).filter((p) => p % group.members.length === index)
      const positions = new Map<number, bigint>()
      for (const p of assigned) {
        const kept = member.assigned.includes(p) ? member.positions.get(p) : undefined
        positions.set(p, kept ?? startOffset(member, group, p, log))
      }
      member.assigned = assigned
      member.positions = positions
      member.wake()
    })
  }

  function available(topic: string, member: Member, max: number): StreamRecord[] {
    const log = topicLog(topic)
    const out: StreamRecord[] = []
    for (const p of member.assigned) {
      const partition = log[p]
      if (!partition) continue
      const position = member.positions.get(p) ?? 0n
      const from = Number((position > partition.base ? position : partition.base) - partition.base)
      out.push(...partition.records.slice(from, from + (max - out.length)))
      if (out.length >= max) break
    }
    return out
  }

  return {
    kind: 'memory',
    async createTopic(topic, partitions) {
      topicLog(topic, partitions)
    },
    async produce(messages: readonly StreamMessage[]) {
      if (closed) throw closedError()
      const touched = new Set<string>()
      const grown = new Set<Partition>()
      const now = Date.now()
      for (const message of messages) {
        const log = topicLog(message.topic)
        const partition = message.partition ?? pickPartition(message, log.length)
        const target = log[partition]
        if (!target) {
          throw new BakeryError(ErrorCode.INTERNAL, `topic ${message.topic} has no partition ${partition}`)
        }
        const record: StreamRecord = {
          topic: message.topic,
          partition,
          offset: end(target),
          key: message.key,
          value: Buffer.from(message.value),
          headers: { ...message.headers },
          timestamp: now,
        }
        target.records.push(record)
        target.bytes += recordBytes(record)
        grown.add(target)
        touched.add(message.topic)
      }
      for (const partition of grown) trim(partition, now)
      for (const [key, group] of groups) {
        if (touched.has(key.split('\u0000')[0] ?? '')) for (const m of group.members) m.wake()
      }
    },
    async subscribe(options) {
      const group = groupOf(options.topic, options.group)
      let wake = () => {}
      const member: Member = {
        id: nextMember++,
        options,
        assigned: [],
        positions: new Map(),
        wake: () => wake(),
      }
      group.members.push(member)
      rebalance(options.topic, group)
      let stopping = false
      const maxBatch = options.maxBatch ?? 500
      const loop = (async () => {
        while (!stopping) {
          let batch = available(options.topic, member, maxBatch)
          if (batch.length === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve
              setTimeout(resolve, 250).unref()
            })
            continue
          }
          if (batch.length < maxBatch && (options.maxWaitMs ?? 0) > 0) {
            await sleep(options.maxWaitMs)
            batch = available(options.topic, member, maxBatch)
          }
          try {
            await options.handler(batch)
          } catch (error) {
            options.onError?.(error)
            await sleep(options.retryDelayMs ?? 1000)
            continue
          }
          for (const record of batch) {
            if (!member.assigned.includes(record.partition)) continue
            member.positions.set(record.partition, record.offset + 1n)
            group.committed.set(record.partition, record.offset + 1n)
          }
        }
      })()
      const subscription: Subscription = {
        assignment: () => [...member.assigned],
        async close() {
          open.delete(subscription)
          stopping = true
          wake()
          await loop
          group.members = group.members.filter((m) => m !== member)
          member.assigned = []
          rebalance(options.topic, group)
        },
      }
      open.add(subscription)
      return subscription
    },
    async lag(topic, name) {
      const log = topicLog(topic)
      const group = groupOf(topic, name)
      return log.map((records, partition): PartitionLag => {
        const committed = group.committed.get(partition) ?? records.base
        return {
          partition,
          lag: Number(end(records) - (committed > records.base ? committed : records.base)),
        }
      })
    },
    async ping() {
      if (closed) throw closedError()
    },
    retentionStats: () => ({ ...stats }),
    async close() {
      closed = true
      await Promise.all([...open].map((s) => s.close()))
    },
  }

  function pickPartition(message: StreamMessage, partitions: number): number {
    if (message.key !== undefined) {
      let hash = 0
      for (const ch of message.key) hash = (hash * 31 + ch.charCodeAt(0)) | 0
      return Math.abs(hash) % partitions
    }
    const next = roundRobin.get(message.topic) ?? 0
    roundRobin.set(message.topic, next + 1)
    return next % partitions
  }
}
