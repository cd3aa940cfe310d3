// The order flow's queue topology, owned by its producer, the reception.
//
// The reception publishes every accepted order to the topic exchange `<orders>.flow` with the
// routing key `order.accepted`. The exchange's alternate exchange, `<orders>.flow.unrouted`,
// takes whatever no binding on the flow exchange routes, and the baker's queue `<orders>` is
// bound there. So:
//   - with nothing else running, an accepted order has no binding, falls through to the alternate
//     exchange and reaches the baker: `bakery start reception baker` finishes orders;
//   - a stage that wants to sit between the reception and the baker (the journey's enrichment)
//     binds its own queue to `order.accepted` on the flow exchange, and publishes what it hands on
//     under its own key (`order.enriched`) to the same exchange; no binding claims that key, so it
//     falls through to the baker. Nobody else is reconfigured: the stage is on the path as soon as
//     its binding exists, in this process or another.
// A stage's queue is durable: while it exists, orders wait there for the stage (stopping the stage
// does not take it off the path; deleting its queue does).
import type { Binding, Queue } from '../../platform/queue/index.ts'

export const ORDER_ACCEPTED = 'order.accepted'

export interface OrderFlow {
  /** Topic exchange every stage on the way to the baker publishes to. */
  readonly exchange: string
  /** Alternate exchange of `exchange`: what no stage claims, i.e. the way to the baker. */
  readonly unrouted: string
  /** The baker's queue (dead letters go to `<bakerQueue>.dead`). */
  readonly bakerQueue: string
}

export function orderFlow(ordersQueue: string): OrderFlow {
  return {
    exchange: `${ordersQueue}.flow`,
    unrouted: `${ordersQueue}.flow.unrouted`,
    bakerQueue: ordersQueue,
  }
}

/** A binding on the flow exchange, declared with the same arguments by everyone who binds. */
export function flowBinding(flow: OrderFlow, pattern: string): Binding {
  return { exchange: flow.exchange, pattern, alternateExchange: flow.unrouted }
}

/** Declares the exchanges and the baker's queue; the reception and the baker both call it. */
export async function declareOrderFlow(queue: Queue, flow: OrderFlow): Promise<void> {
  await queue.declare({
    name: flow.bakerQueue,
    bindings: [{ exchange: flow.unrouted, pattern: '#' }],
  })
  // The flow exchange itself, with its alternate: a binding needs a queue, so the baker's queue
  // gets one under a key nobody publishes.
  await queue.declare({ name: flow.bakerQueue, bindings: [flowBinding(flow, 'order.unrouted')] })
}
