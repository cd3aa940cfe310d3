// A small in-process server speaking the order contract (and, minimally, the coffee, album page and
// event APIs) for tests of the load generator. It can reject every Nth order, leave every Nth
// accepted order unfinished, or forget it (404), so counts and lost detection are checkable; coffee
// orders go awaiting_payment → paid → ready (or payment_declined), albums come in cursor pages.
import { randomBytes, randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeOptions {
  /** Answer 503 to every Nth POST /orders (0 = never). */
  rejectEvery?: number
  /** Accept but never finish every Nth accepted order (0 = never). */
  stallEvery?: number
  /** Accept, then forget every Nth accepted order so GET answers 404 (0 = never). */
  forgetEvery?: number
  /** Time from accept to finished (coffee: to ready; paid or declined after half of it). */
  bakeMs?: number
  /** Coffee: decline the payment of every Nth accepted order (0 = never). */
  coffeeDeclineEvery?: number
  /** Coffee: leave every Nth accepted order awaiting payment forever (0 = never). */
  coffeeStallEvery?: number
  /** Coffee: forget every Nth accepted order so its Location answers 404 (0 = never). */
  coffeeForgetEvery?: number
  /** Coffee: every Nth GET shows the order under another customer's name (0 = never). */
  coffeeWrongNameEvery?: number
  /** Albums in the catalogue GET /albums pages through (ids 1..N). */
  albums?: number
}

interface CoffeeOrder {
  id: string
  created_at: string
  items: { type: string; size: string; price: number; state: 'pending' | 'ready' }[]
  customer_name: string
  status: 'awaiting_payment' | 'paid' | 'ready' | 'payment_declined'
  total: number
  paid_at?: string
  ready_at?: string
}

interface Order {
  customer: string
  pastry: string
  orderTime: string
  status: 'pending' | 'baking' | 'finished'
  finishedTime?: string
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of request) text += chunk
  return text
}

export async function startFakeApis(options: FakeOptions = {}) {
  const orders = new Map<string, Order>()
  const counts = {
    posts: 0,
    accepted: 0,
    rejected: 0,
    stalled: 0,
    forgotten: 0,
    coffee: 0,
    coffeeDeclined: 0,
    coffeeStalled: 0,
    coffeeForgotten: 0,
    coffeeGets: 0,
    pages: 0,
    firstPages: 0,
    albumsServed: 0,
    events: 0,
  }
  const coffee = new Map<string, CoffeeOrder>()
  const catalogue = options.albums ?? 25
  const timers = new Set<NodeJS.Timeout>()
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, ms)
    timers.add(timer)
  }
  const acceptCoffee = (body: string) => {
    const parsed = JSON.parse(body) as { name: string; items: { type: string; size: string }[] }
    counts.coffee++
    const n = counts.coffee
    const order: CoffeeOrder = {
      id: randomUUID(),
      created_at: new Date().toISOString(),
      items: parsed.items.map((i) => ({ ...i, price: 2, state: 'pending' })),
      customer_name: parsed.name,
      status: 'awaiting_payment',
      total: 2 * parsed.items.length,
    }
    if (options.coffeeForgetEvery && n % options.coffeeForgetEvery === 0) counts.coffeeForgotten++
    else coffee.set(order.id, order)
    const bake = options.bakeMs ?? 5
    if (options.coffeeStallEvery && n % options.coffeeStallEvery === 0) counts.coffeeStalled++
    else if (options.coffeeDeclineEvery && n % options.coffeeDeclineEvery === 0) {
      counts.coffeeDeclined++
      later(bake / 2, () => {
        order.status = 'payment_declined'
      })
    } else {
      // Chained, not two timers: a late event loop may run timers of different delays out of order.
      later(bake / 2, () => {
        order.status = 'paid'
        order.paid_at = new Date().toISOString()
        later(bake / 2, () => {
          order.status = 'ready'
          order.ready_at = new Date().toISOString()
          for (const item of order.items) item.state = 'ready'
        })
      })
    }
    return order.id
  }
  /** Keyset pages over ids 1..catalogue with the album store's Link header. */
  const albumPage = (url: URL) => {
    const limit = Number(url.searchParams.get('limit') ?? 100)
    const cursor = url.searchParams.get('cursor')
    if (cursor === null) counts.firstPages++
    const after = Number(cursor ?? 0)
    const ids = Array.from(
      { length: Math.max(0, Math.min(limit, catalogue - after)) },
      (_, i) => after + i + 1,
    )
    counts.pages++
    counts.albumsServed += ids.length
    const last = ids.at(-1)
    const link =
      last !== undefined && last < catalogue ? `</albums?limit=${limit}&cursor=${last}>; rel="next"` : ''
    return {
      albums: ids.map((id) => ({ id, title: `Album ${id}`, artist: 'John Coltrane', price: 9.99 })),
      headers: link ? { link } : {},
    }
  }
  const server = createServer(async (request, response) => {
    const body = await readBody(request)
    const send = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers })
      response.end(value === undefined ? '' : JSON.stringify(value))
    }
    const url = request.url ?? '/'
    if (request.method === 'POST' && url === '/orders' && body.includes('"items"'))
      return send(201, undefined, { location: `/orders/${acceptCoffee(body)}` })
    const coffeeMatch = /^\/orders\/([0-9a-f-]{36})$/.exec(url)
    if (request.method === 'GET' && coffeeMatch) {
      counts.coffeeGets++
      const order = coffee.get(coffeeMatch[1] as string)
      if (!order) return send(404, { code: 'BKR_HTTP_NOT_FOUND' })
      const wrong = options.coffeeWrongNameEvery && counts.coffeeGets % options.coffeeWrongNameEvery === 0
      return send(200, wrong ? { ...order, customer_name: 'someone else' } : order)
    }
    if (request.method === 'POST' && url === '/orders') {
      counts.posts++
      if (options.rejectEvery && counts.posts % options.rejectEvery === 0) {
        counts.rejected++
        return send(503, { code: 'BKR_HTTP_OVERLOADED' })
      }
      let parsed: { customer?: unknown; pastry?: unknown }
      try {
        parsed = JSON.parse(body)
      } catch {
        return send(400, { message: 'bad json' })
      }
      if (typeof parsed.customer !== 'string' || typeof parsed.pastry !== 'string') return send(400, {})
      const key = randomBytes(16).toString('hex')
      counts.accepted++
      const order: Order = {
        customer: parsed.customer,
        pastry: parsed.pastry,
        orderTime: new Date().toISOString(),
        status: 'pending',
      }
      if (options.forgetEvery && counts.accepted % options.forgetEvery === 0) counts.forgotten++
      else orders.set(key, order)
      if (options.stallEvery && counts.accepted % options.stallEvery === 0) counts.stalled++
      else
        later(options.bakeMs ?? 5, () => {
          order.status = 'finished'
          order.finishedTime = new Date().toISOString()
        })
      return send(202, { orderKey: key })
    }
    const match = /^\/orders\/([0-9a-f]{32})$/.exec(url)
    if (request.method === 'GET' && match) {
      const order = orders.get(match[1] as string)
      return order ? send(200, order) : send(404)
    }
    if (request.method === 'GET' && url.startsWith('/albums')) {
      const page = albumPage(new URL(url, 'http://fake'))
      return send(200, page.albums, page.headers)
    }
    if (request.method === 'POST' && url === '/') {
      const events = JSON.parse(body) as unknown[]
      counts.events += events.length
      return send(200, { message: `ingested ${events.length} events` })
    }
    send(404)
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    orders,
    coffee,
    async close() {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
