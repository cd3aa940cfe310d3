// The bakery's order contract: the one module of the bakery other systems may import (the import
// rules in .dependency-cruiser.cjs allow it and nothing else). The message and its parser, the
// order view, the queue topology of the flow, and the hooks of the reception and the baker.

import type { BakeryConfig } from '../config.ts'

/** The bakery settings another system's part of the order flow reads. */
export type OrderFlowConfig = Pick<BakeryConfig, 'ordersQueue' | 'bakerMistakeRate'>

export { flowBinding, ORDER_ACCEPTED, type OrderFlow, orderFlow } from './flow.ts'
export type { AcceptedAnswer, AcceptedOrder, BakerHooks, ReceptionHooks } from './hooks.ts'
export { bakeTimeMs, PASTRIES, type Pastry } from './menu.ts'
export { ORDER_KEY, type OrderMessage, parseOrderMessage } from './message.ts'
export { type OrderStatus, type OrderView, orderView } from './view.ts'
