// Acks of one consumer channel, coalesced: the acks asked for in one turn of the event loop go
// out after it, and the unbroken run of settled messages from the oldest one unsettled is acked
// with a single `allUpTo` ack. A batch of finished orders then costs the broker one ack frame
// instead of one per message. Nothing is acked before its handler asked for it: `allUpTo` only
// covers messages that are all acked (or already nacked) by this process.
import type { Channel, ConsumeMessage } from 'amqplib'

export interface AckCoalescer {
  /** A message handed to a handler: it blocks `allUpTo` until it is settled. */
  delivered(message: ConsumeMessage): void
  /** Acks the message after this turn of the event loop. */
  ack(message: ConsumeMessage): void
  /** The message was settled another way (nack, dead letter): no longer a blocker. */
  settled(message: ConsumeMessage): void
  /** Sends the acks asked for so far now (before the channel closes). */
  flush(): void
}

type State = 'open' | 'ack' | 'done'

export function createAckCoalescer(channel: Channel, onError: (error: unknown) => void): AckCoalescer {
  // Delivery order = delivery-tag order on one channel; a Map iterates in insertion order.
  const unsettled = new Map<number, { message: ConsumeMessage; state: State }>()
  let scheduled: NodeJS.Immediate | undefined

  function flush(): void {
    if (scheduled) clearImmediate(scheduled)
    scheduled = undefined
    let last: ConsumeMessage | undefined
    for (const [tag, entry] of unsettled) {
      if (entry.state === 'open') break
      if (entry.state === 'ack') last = entry.message
      unsettled.delete(tag)
    }
    try {
      if (last) channel.ack(last, true)
      // Behind a message still in its handler (a slow retry), acks go one by one, as before.
      for (const entry of unsettled.values()) {
        if (entry.state !== 'ack') continue
        channel.ack(entry.message)
        entry.state = 'done'
      }
    } catch (error) {
      // A closed channel: the broker has already requeued whatever was not acked.
      onError(error)
    }
  }

  function mark(message: ConsumeMessage, state: State): void {
    const entry = unsettled.get(message.fields.deliveryTag)
    if (entry) entry.state = state
  }

  return {
    delivered(message) {
      unsettled.set(message.fields.deliveryTag, { message, state: 'open' })
    },
    ack(message) {
      mark(message, 'ack')
      scheduled ??= setImmediate(flush)
    },
    settled(message) {
      mark(message, 'done')
    },
    flush,
  }
}
