// A small in-process server speaking the order contract (and, minimally, the coffee, album page and
// event APIs) for tests of the load generator. It can reject every Nth order, leave every Nth
// accepted order unfinished, or forget it (404), so counts and lost detection are checkable.
import { randomBytes } from 'node:crypto'
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
  /** Time from accept to finished. */
  bakeMs?: number
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
    pages: 0,
    events: 0,
  }
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer(async (request, response) => {
    const body = await readBody(request)
    const send = (status: number, value?: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers })
      response.end(value === undefined ? '' : JSON.stringify(value))
    }
    const url = request.url ?? '/'
    if (request.method === 'POST' && url === '/orders' && body.includes('"items"')) {
      counts.coffee++
      return send(201, undefined, { location: `/orders/${randomBytes(16).toString('hex')}` })
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
      else {
        const timer = setTimeout(() => {
          timers.delete(timer)
          order.status = 'finished'
          order.finishedTime = new Date().toISOString()
        }, options.bakeMs ?? 5)
        timers.add(timer)
      }
      return send(202, { orderKey: key })
    }
    const match = /^\/orders\/([0-9a-f]{32})$/.exec(url)
    if (request.method === 'GET' && match) {
      const order = orders.get(match[1] as string)
      return order ? send(200, order) : send(404)
    }
    if (request.method === 'GET' && url.startsWith('/albums')) {
      counts.pages++
      return send(200, [{ id: 1, title: 'Blue Train', artist: 'John Coltrane', price: 56.99 }])
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
    async close() {
      for (const timer of timers) clearTimeout(timer)
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
