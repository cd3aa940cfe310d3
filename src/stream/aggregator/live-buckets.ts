// The live stream's buckets, computed once per bucket size whatever the number of subscribers:
// every subscriber of one size shares one timer and one store query per closed bucket, and the
// number of subscribers is capped, so a crowd of clients costs the stores no more than one.
import { errorMessage } from '../../platform/errors.ts'
import type { EventStream } from '../../platform/http/index.ts'
import type { CountPoint } from './counts.ts'

export interface LiveBucketOptions {
  /** Time after a bucket closes before it is read: the consumers' flush interval and some. */
  graceMs: number
  maxSubscribers: number
  /** The counts of one bucket; null when processing is disabled. */
  query(startMs: number, bucketMs: number): Promise<CountPoint[] | null>
}

export interface LiveBuckets {
  /** Adds a subscriber; false when the cap is reached (the caller answers 503). */
  subscribe(bucketMs: number, stream: EventStream): boolean
  subscribers(): number
  /** Store queries made so far (one per bucket size per closed bucket). */
  queries(): number
  close(): void
}

interface Group {
  streams: Set<EventStream>
  timer: NodeJS.Timeout | undefined
}

export function createLiveBuckets(options: LiveBucketOptions): LiveBuckets {
  const groups = new Map<number, Group>()
  let count = 0
  let queries = 0

  const schedule = (bucketMs: number, group: Group) => {
    const now = Date.now()
    const nextClose = Math.floor((now - options.graceMs) / bucketMs) * bucketMs + bucketMs + options.graceMs
    group.timer = setTimeout(
      () => void publish(bucketMs, group, nextClose - options.graceMs - bucketMs),
      nextClose - now,
    )
  }

  const publish = async (bucketMs: number, group: Group, start: number) => {
    queries++
    let event: [string, unknown]
    try {
      event = ['bucket', { time: start, points: await options.query(start, bucketMs) }]
    } catch (error) {
      event = ['error', { time: start, message: errorMessage(error) }]
    }
    for (const stream of group.streams) if (stream.open) stream.send(event[0], event[1])
    if (group.streams.size > 0 && groups.get(bucketMs) === group) schedule(bucketMs, group)
  }

  return {
    subscribe(bucketMs, stream) {
      if (count >= options.maxSubscribers) return false
      let group = groups.get(bucketMs)
      if (!group) {
        group = { streams: new Set(), timer: undefined }
        groups.set(bucketMs, group)
        schedule(bucketMs, group)
      }
      const joined = group
      joined.streams.add(stream)
      count++
      stream.onClose(() => {
        if (!joined.streams.delete(stream)) return
        count--
        if (joined.streams.size === 0) {
          clearTimeout(joined.timer)
          groups.delete(bucketMs)
        }
      })
      return true
    },
    subscribers: () => count,
    queries: () => queries,
    close() {
      for (const group of groups.values()) clearTimeout(group.timer)
      groups.clear()
    },
  }
}
