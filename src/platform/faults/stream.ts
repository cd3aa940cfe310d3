// The stream seam: producing fails (Kafka did not acknowledge), or the consumer is slowed so the
// group's lag builds up. Lag (bakery consumer metrics, `lag()`) and producer errors show it.
import { setTimeout as sleep } from 'node:timers/promises'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { Stream } from '../stream/port.ts'
import { hit, type SeamSlot } from './registry.ts'

export function faultyStream(stream: Stream, slot: SeamSlot): Stream {
  return {
    kind: stream.kind,
    createTopic: (topic, partitions) => stream.createTopic(topic, partitions),
    async produce(messages) {
      if (slot.active.length > 0 && hit(slot, 'produce-error')) {
        throw new BakeryError(ErrorCode.STREAM_UNAVAILABLE, 'the broker did not acknowledge the batch', {
          retryable: true,
          status: 503,
        })
      }
      return stream.produce(messages)
    },
    subscribe(options) {
      const handler = options.handler
      return stream.subscribe({
        ...options,
        async handler(records) {
          if (slot.active.length > 0) {
            const slow = hit(slot, 'consumer-slow')
            if (slow) await sleep(slow.params.ms ?? 0)
          }
          return handler(records)
        },
      })
    },
    lag: (topic, group) => stream.lag(topic, group),
    ping: () => stream.ping(),
    close: () => stream.close(),
  }
}
