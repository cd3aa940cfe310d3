// The `orders` message: the seed's body (traceContext, timeEnqueued, orderKey) plus the pastry.
import { malformed } from '../../platform/queue/index.ts'

export interface OrderMessage {
  orderKey: string
  timeEnqueued: string
  traceContext: { traceparent?: string }
  pastry?: string
}

export const ORDER_KEY = /^[0-9a-f]{32}$/

export function parseOrderMessage(body: Buffer): OrderMessage {
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    throw malformed('body is not JSON')
  }
  if (typeof value !== 'object' || value === null) throw malformed('body is not an object')
  const { orderKey, timeEnqueued, traceContext, pastry } = value as Record<string, unknown>
  if (typeof orderKey !== 'string' || !ORDER_KEY.test(orderKey)) {
    throw malformed('orderKey is not 32 lowercase hex digits')
  }
  const message: OrderMessage = {
    orderKey,
    timeEnqueued: typeof timeEnqueued === 'string' ? timeEnqueued : '',
    traceContext:
      typeof traceContext === 'object' && traceContext !== null
        ? { ...(traceContext as { traceparent?: string }) }
        : {},
  }
  if (typeof pastry === 'string') message.pastry = pastry
  return message
}
