// Hooks the reception and the baker offer to what follows an order from outside the bakery (the
// order journey). They are wired in `src/services.ts`; the bakery knows only these shapes.
import type { HttpApp } from '../../platform/http/index.ts'
import type { ReadinessCheck } from '../../platform/lifecycle/index.ts'
import type { Delivery, Queue } from '../../platform/queue/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import type { OrderMessage } from './message.ts'
import type { OrderView } from './view.ts'

export interface AcceptedOrder {
  orderKey: string
  /** The request, as a key for what the hook noted about it in its own request hooks. */
  request: object
  /** The request's `Prefer` header. */
  prefer: string | string[] | undefined
}

/** An answer in the reception's stead: a status and body, or only extra headers on the 202. */
export interface AcceptedAnswer {
  headers: Record<string, string>
  body?: Record<string, unknown>
}

export interface ReceptionHooks {
  /** Circuit breakers of the hook, listed under the reception's `GET /admin/breakers`. */
  readonly breakers: readonly ResiliencePolicy[]
  /** Routes and request hooks of its own, registered on the reception's app. */
  routes(app: HttpApp): void
  start(): Promise<void>
  stop(): Promise<void>
  /** An order is stored and on its way (a 202); the hook may answer with more, e.g. after waiting. */
  accepted(order: AcceptedOrder): Promise<AcceptedAnswer | undefined>
}

export interface BakerHooks {
  readonly readiness: readonly ReadinessCheck[]
  start(queue: Queue): Promise<void>
  /**
   * Runs around the baking of one order. `bake` resolves with the finished order (undefined when
   * it is not the baker's to finish); errors propagate to the baker's retry policy.
   */
  bake(message: OrderMessage, delivery: Delivery, bake: () => Promise<OrderView | undefined>): Promise<void>
}
