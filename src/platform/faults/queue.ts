// The queue seam: publishing fails or waits, the consumer stalls (holds its messages and takes no
// more, so the queue fills), acks come late, or a handled message is delivered again (its ack is
// turned into a requeue once, as when an ack is lost). Queue depth and consumer spans show it.
import { setTimeout as sleep } from 'node:timers/promises'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { Delivery, Queue } from '../queue/port.ts'
import { messageAttributes } from './match.ts'
import { hit, type SeamSlot } from './registry.ts'

const STALL_POLL_MS = 50

export function faultyQueue(queue: Queue, slot: SeamSlot): Queue {
  return {
    kind: queue.kind,
    declare: (spec) => queue.declare(spec),
    async publish(target, body, options) {
      if (slot.active.length > 0) {
        const attributes = messageAttributes(body)
        const delay = hit(slot, 'publish-delay', attributes)
        if (delay) await sleep(delay.params.ms ?? 0)
        if (hit(slot, 'publish-error', attributes)) {
          throw new BakeryError(ErrorCode.QUEUE_PUBLISH_FAILED, 'the broker did not confirm the message', {
            retryable: true,
          })
        }
      }
      return queue.publish(target, body, options)
    },
    async consume(name, handler, options) {
      let cancelled = false
      const consumer = await queue.consume(
        name,
        async (delivery) => {
          if (slot.active.length === 0) return handler(delivery)
          const attributes = messageAttributes(delivery.body)
          while (!cancelled && hit(slot, 'consumer-stall', attributes)) await sleep(STALL_POLL_MS)
          if (cancelled) return delivery.nack({ requeue: true })
          return handler(withAckFaults(delivery, slot, attributes))
        },
        options,
      )
      return {
        async cancel() {
          cancelled = true
          await consumer.cancel()
        },
      }
    },
    depth: (name) => queue.depth(name),
    ping: () => queue.ping(),
    close: () => queue.close(),
  }
}

function withAckFaults(
  delivery: Delivery,
  slot: SeamSlot,
  attributes: ReturnType<typeof messageAttributes>,
): Delivery {
  const slow = hit(slot, 'slow-ack', attributes)
  const redeliver = !delivery.redelivered && hit(slot, 'redeliver', attributes)
  if (!slow && !redeliver) return delivery
  return {
    body: delivery.body,
    headers: delivery.headers,
    contentType: delivery.contentType,
    messageId: delivery.messageId,
    routingKey: delivery.routingKey,
    redelivered: delivery.redelivered,
    async ack() {
      if (slow) await sleep(slow.params.ms ?? 0)
      if (redeliver) return delivery.nack({ requeue: true })
      return delivery.ack()
    },
    nack: (options) => delivery.nack(options),
    deadLetter: (reason) => delivery.deadLetter(reason),
  }
}
