// The attributes a fault's `match` is compared with, read from a request or message body: the
// bakery's pastry and customer, the coffee shop's item types, the album store's artist.
import type { MatchKey } from './model.ts'

export type MatchAttributes = { [K in MatchKey]?: string | undefined }

function field(source: unknown, key: string): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined
  const value = (source as Record<string, unknown>)[key]
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined
}

/** The first coffee type of an order (`items[].type`), or a `type`/`coffee` field. */
function coffeeType(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const items = (body as { items?: unknown }).items
  if (Array.isArray(items)) return field(items[0], 'type')
  return field(body, 'coffee') ?? field(body, 'coffeeType')
}

export function matchAttributes(route: string | undefined, body: unknown, query?: unknown): MatchAttributes {
  return {
    route,
    pastry: field(body, 'pastry') ?? field(query, 'pastry'),
    customer: field(body, 'customer') ?? field(query, 'customer'),
    coffeeType: coffeeType(body),
    artist: field(body, 'artist') ?? field(query, 'artist'),
  }
}

/** Match attributes of a JSON message body (queue seam); undefined fields when it is not JSON. */
export function messageAttributes(content: Uint8Array | string): MatchAttributes {
  try {
    const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8')
    if (!text.startsWith('{')) return {}
    return matchAttributes(undefined, JSON.parse(text))
  } catch {
    return {}
  }
}
