// The seed's JSON shape of an order (snake_case), with our status and times.
import type { CoffeeOrder } from './store.ts'

export function orderView(order: CoffeeOrder) {
  return {
    id: order.id,
    created_at: order.createdAt.toISOString(),
    items: order.items.map((i) => ({
      type: i.type,
      size: i.size,
      price: i.price,
      state: i.state,
      ...(i.barista ? { barista: i.barista } : {}),
    })),
    customer_name: order.customerName,
    status: order.status,
    total: order.total,
    ...(order.paidAt ? { paid_at: order.paidAt.toISOString() } : {}),
    ...(order.readyAt ? { ready_at: order.readyAt.toISOString() } : {}),
  }
}
