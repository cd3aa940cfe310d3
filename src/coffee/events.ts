// The coffee shop's event contract (the seed: the original italolelis/coffee-shop demo): the seed's
// topic exchange and routing key, our ready event, and the protobuf codecs. Reception owns
// order.Created, the barista owns order.Ready.
import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf'
import type { OutboxMessage } from '../platform/outbox/index.ts'
import { malformed, type QueueSpec } from '../platform/queue/index.ts'
import { injectTraceContext } from '../platform/telemetry/index.ts'
import { type Created, CreatedSchema, type Ready, ReadySchema } from './gen/order/order_pb.ts'

export type { BrewedItem, Created, OrderItem, Ready } from './gen/order/order_pb.ts'

/** Topic exchange of the seed (durable). */
export const ORDERS_EXCHANGE = 'orders'
export const CREATED_KEY = 'orders.created'
export const READY_KEY = 'orders.ready'
/** The seed's barista queue, bound to `orders.created`. */
export const BARISTA_QUEUE = 'orders_barista'
/** Reception's queue of ready events, bound to `orders.ready`. */
export const RECEPTION_READY_QUEUE = 'coffee_reception_ready'

/**
 * The queues the shop's events must reach, declared once here and by each side before it
 * publishes or consumes (whoever starts first), so no order.Created or order.Ready is unroutable.
 */
export const BARISTA_QUEUE_SPEC: QueueSpec = {
  name: BARISTA_QUEUE,
  bindings: [{ exchange: ORDERS_EXCHANGE, pattern: CREATED_KEY }],
}
export const RECEPTION_READY_QUEUE_SPEC: QueueSpec = {
  name: RECEPTION_READY_QUEUE,
  bindings: [{ exchange: ORDERS_EXCHANGE, pattern: READY_KEY }],
}
export const PROTOBUF = 'application/x-protobuf'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function encodeCreated(message: MessageInitShape<typeof CreatedSchema>): Uint8Array {
  return toBinary(CreatedSchema, create(CreatedSchema, message))
}

export function encodeReady(message: MessageInitShape<typeof ReadySchema>): Uint8Array {
  return toBinary(ReadySchema, create(ReadySchema, message))
}

/**
 * An event for the outbox: protobuf on the orders exchange (stored base64), carrying the trace
 * context of the caller's span so the consumer links back to it.
 */
export function eventMessage(routingKey: string, body: Uint8Array, messageId: string): OutboxMessage {
  return {
    exchange: ORDERS_EXCHANGE,
    routingKey,
    body: Buffer.from(body).toString('base64'),
    encoding: 'base64',
    contentType: PROTOBUF,
    messageId,
    headers: injectTraceContext({}) as Record<string, string>,
  }
}

/** Decodes and checks an order.Created; throws a non-retryable error when it is not one. */
export function decodeCreated(body: Uint8Array): Created {
  let message: Created
  try {
    message = fromBinary(CreatedSchema, body)
  } catch (error) {
    throw malformed('not a protobuf order.Created', error)
  }
  if (!UUID.test(message.id)) throw malformed(`order.Created has no valid id (${JSON.stringify(message.id)})`)
  if (message.items.length === 0) throw malformed(`order.Created ${message.id} has no items`)
  return message
}

export function decodeReady(body: Uint8Array): Ready {
  let message: Ready
  try {
    message = fromBinary(ReadySchema, body)
  } catch (error) {
    throw malformed('not a protobuf order.Ready', error)
  }
  if (!UUID.test(message.id)) throw malformed(`order.Ready has no valid id (${JSON.stringify(message.id)})`)
  return message
}
