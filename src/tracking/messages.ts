// Messages between tracking hops: the bakery's order message (parsed by its one parser) plus the
// journey so far (the record's fields), so the next hop's write restores a record that Redis lost.
// A hop adds to the message and never drops what an earlier hop (or the orders flow) put there.
import { type OrderMessage, type OrderView, parseOrderMessage } from '../bakery/orders/contract.ts'
import { BakeryError } from '../platform/errors.ts'
import type { Fields } from './store/index.ts'

export interface HopMessage extends OrderMessage {
  journey?: Fields
  /** What enrichment added. */
  enrichment?: unknown
  /** The order as the baker finished it (the baked hop adds it). */
  order?: OrderView
}

export type ParsedHopMessage = { ok: true; message: HopMessage } | { ok: false; reason: string }

export function parseHopMessage(body: Buffer): ParsedHopMessage {
  let message: OrderMessage
  try {
    message = parseOrderMessage(body)
  } catch (error) {
    return { ok: false, reason: error instanceof BakeryError ? error.message : String(error) }
  }
  const reason = journeyProblem(message)
  return reason ? { ok: false, reason } : { ok: true, message: message as HopMessage }
}

/** What is wrong with the message's journey fields, if anything (they are optional). */
export function journeyProblem(message: OrderMessage): string | undefined {
  const journey = message.journey
  if (journey === undefined) return undefined
  if (typeof journey !== 'object' || journey === null || Array.isArray(journey))
    return 'journey is not an object'
  for (const v of Object.values(journey)) {
    if (typeof v !== 'string') return 'journey values must be strings'
  }
  return undefined
}
