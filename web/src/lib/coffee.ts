// Coffee shop shaping: the ready board's columns and the fault form's update body.
export interface CoffeeOrder {
  id: string
  customer_name: string
  status: 'awaiting_payment' | 'payment_declined' | 'paid' | 'ready' | string
  total: number
  items: { type: string; size: string; price: number; state: string; barista?: string }[]
  created_at: string
  ready_at?: string
}

export interface Board {
  waiting: CoffeeOrder[]
  brewing: CoffeeOrder[]
  ready: CoffeeOrder[]
  declined: CoffeeOrder[]
}

/** Splits orders into the board's columns, newest first; ready ones by when they became ready. */
export function buildBoard(orders: readonly CoffeeOrder[]): Board {
  const board: Board = { waiting: [], brewing: [], ready: [], declined: [] }
  const newest = [...orders].sort((a, b) => b.created_at.localeCompare(a.created_at))
  for (const order of newest) {
    if (order.status === 'ready') board.ready.push(order)
    else if (order.status === 'paid') board.brewing.push(order)
    else if (order.status === 'payment_declined') board.declined.push(order)
    else board.waiting.push(order)
  }
  board.ready.sort((a, b) => (b.ready_at ?? '').localeCompare(a.ready_at ?? ''))
  return board
}
