// The inbound HTTP seam: latency (with jitter), an error status at a rate, a connection reset,
// a slow-drip answer. Probes, metrics and admin routes are exempt, so a drill can always switch
// the fault off again. Answers look like the service's own (no word of a fault): the symptom is
// what a user diagnoses from.
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorCode } from '../errors.ts'
import { matchAttributes } from './match.ts'
import { hit, type SeamSlot } from './registry.ts'

const EXEMPT = /^\/(?:admin\/|healthz|readyz|metrics|-\/|status|api\/faults)/

const STATUS_BODIES: Readonly<Record<number, { code: string; message: string }>> = {
  429: { code: ErrorCode.HTTP_RATE_LIMITED, message: 'too many requests, retry later' },
  503: { code: ErrorCode.DEPENDENCY_FAILED, message: 'service unavailable, retry later' },
}

function attributesOf(request: FastifyRequest) {
  return matchAttributes(request.routeOptions.url ?? request.url.split('?')[0], request.body, request.query)
}

export function installHttpFaults(app: FastifyInstance, slot: SeamSlot): void {
  // preHandler: the body is parsed, so a fault can match a pastry, customer, coffee or artist.
  app.addHook('preHandler', async (request, reply) => {
    if (slot.active.length === 0 || EXEMPT.test(request.url)) return
    const attributes = attributesOf(request)
    if (hit(slot, 'reset', attributes)) {
      reply.hijack()
      request.raw.socket.destroy()
      return
    }
    const latency = hit(slot, 'latency', attributes)
    if (latency) await sleep((latency.params.ms ?? 0) + Math.random() * (latency.params.jitterMs ?? 0))
    const error = hit(slot, 'error', attributes)
    if (error) {
      const status = error.params.status ?? 500
      const body = STATUS_BODIES[status] ?? {
        code: status >= 500 ? ErrorCode.INTERNAL : ErrorCode.HTTP_VALIDATION,
        message: status >= 500 ? 'internal error' : 'request refused',
      }
      if (status === 429 || status === 503) reply.header('retry-after', '1')
      return reply.code(status).send(body)
    }
    if (hit(slot, 'slow-drip', attributes)) (request as { slowDrip?: boolean }).slowDrip = true
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (slot.active.length === 0 || !(request as { slowDrip?: boolean }).slowDrip) return payload
    const drip = slot.active.find((f) => f.type === 'slow-drip')
    if (!drip || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload
    reply.removeHeader('content-length')
    return dripped(Buffer.from(payload), drip.params.ms ?? 0)
  })
}

/** A body sent a few bytes at a time, spread over `totalMs`. */
function dripped(body: Buffer, totalMs: number): Readable {
  const chunks = Math.max(1, Math.min(body.length, 20))
  const size = Math.ceil(body.length / chunks)
  return Readable.from(
    (async function* () {
      for (let offset = 0; offset < body.length; offset += size) {
        yield body.subarray(offset, offset + size)
        await sleep(totalMs / chunks)
      }
    })(),
  )
}
