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

export interface FaultForm {
  target: string
  errorPercent: string
  latencyMs: string
  down: boolean
}

/** The `PUT /admin/faults` body, or the problems that stop it from being sent. */
export function faultUpdate(form: FaultForm): { body: Record<string, unknown> } | { problems: string[] } {
  const problems: string[] = []
  const target = form.target.trim()
  if (!/^[\w.-]{1,64}$/.test(target)) problems.push('Target must be a service name')
  const errorPercent = form.errorPercent.trim() === '' ? 0 : Number(form.errorPercent)
  if (!Number.isFinite(errorPercent) || errorPercent < 0 || errorPercent > 100)
    problems.push('Error rate must be 0–100 %')
  const latencyMs = form.latencyMs.trim() === '' ? 0 : Number(form.latencyMs)
  if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 600_000)
    problems.push('Latency must be whole milliseconds, 0–600000')
  if (problems.length > 0) return { problems }
  return { body: { target, errorRate: errorPercent / 100, latencyMs, down: form.down } }
}
