// Messages between tracking hops. They carry the journey so far (the record's fields), so the
// next hop's write restores a record that Redis lost, and the producer's fields stay intact:
// a hop adds to the message and never drops what an earlier hop (or the orders flow) put there.
import type { Fields } from './store/index.ts'

export interface HopMessage {
  orderKey: string
  journey?: Fields
  [field: string]: unknown
}

export type ParsedHopMessage = { ok: true; message: HopMessage } | { ok: false; reason: string }

const ORDER_KEY = /^[0-9a-f]{32}$/

export function parseHopMessage(body: Buffer): ParsedHopMessage {
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    return { ok: false, reason: 'body is not JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'body is not a JSON object' }
  const message = value as Record<string, unknown>
  if (typeof message.orderKey !== 'string' || !ORDER_KEY.test(message.orderKey))
    return { ok: false, reason: 'orderKey is missing or not 32 lowercase hex characters' }
  const journey = message.journey
  if (journey !== undefined) {
    if (typeof journey !== 'object' || journey === null || Array.isArray(journey))
      return { ok: false, reason: 'journey is not an object' }
    for (const v of Object.values(journey)) {
      if (typeof v !== 'string') return { ok: false, reason: 'journey values must be strings' }
    }
  }
  return { ok: true, message: message as HopMessage }
}
