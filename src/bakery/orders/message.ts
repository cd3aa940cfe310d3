// The order message: the original body (traceContext, timeEnqueued, orderKey) plus the pastry and
// the customer. Stages on the way to the baker add fields of their own (a journey, an
// enrichment); the one parser keeps them, so nobody parses a message twice or drops what an
// earlier stage added.
import { malformed } from '../../platform/queue/index.ts'

export interface OrderMessage {
  orderKey: string
  timeEnqueued: string
  traceContext: { traceparent?: string }
  pastry?: string
  customer?: string
  /** Fields added by stages between the reception and the baker. */
  [field: string]: unknown
}

export const ORDER_KEY = /^[0-9a-f]{32}$/

export function parseOrderMessage(body: Buffer): OrderMessage {
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    throw malformed('body is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed('body is not a JSON object')
  }
  const fields = value as Record<string, unknown>
  const { orderKey, timeEnqueued, traceContext, pastry, customer } = fields
  if (typeof orderKey !== 'string' || !ORDER_KEY.test(orderKey)) {
    throw malformed('orderKey is not 32 lowercase hex digits')
  }
  const message: OrderMessage = {
    ...fields,
    orderKey,
    timeEnqueued: typeof timeEnqueued === 'string' ? timeEnqueued : '',
    traceContext:
      typeof traceContext === 'object' && traceContext !== null
        ? { ...(traceContext as { traceparent?: string }) }
        : {},
  }
  if (typeof pastry !== 'string') delete message.pastry
  if (typeof customer !== 'string') delete message.customer
  return message
}
