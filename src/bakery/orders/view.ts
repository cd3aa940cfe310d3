// The order as GET /orders/:key shows it: one view, used by the reception and by whoever answers
// with the finished order. No imports: the dashboard's web app takes the view's type from here.

export type OrderStatus = 'pending' | 'baking' | 'finished'

export interface OrderView {
  pastry: string
  customer: string
  orderTime: string
  status: OrderStatus
  finishedTime?: string
}

export function orderView(order: {
  pastry: string
  customer: string
  orderTime: Date
  status: OrderStatus
  finishedTime: Date | null
}): OrderView {
  const view: OrderView = {
    pastry: order.pastry,
    customer: order.customer,
    orderTime: order.orderTime.toISOString(),
    status: order.status,
  }
  if (order.finishedTime) view.finishedTime = order.finishedTime.toISOString()
  return view
}
