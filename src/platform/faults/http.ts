// Applies a target's faults to an HTTP service: hard down cuts the connection, latency delays the
// answer, the error rate answers 500, slow drip trickles the body out. Probe, metrics and admin
// routes are exempt, so a drill can always switch the fault off again.
import { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { ErrorCode } from '../errors.ts'
import type { FaultRegistry } from './registry.ts'

const EXEMPT = /^\/(?:admin\/|healthz|readyz|metrics|-\/|status)/

export function installHttpFaults(app: FastifyInstance, faults: FaultRegistry, target: string): void {
  app.addHook('onRequest', async (request, reply) => {
    if (EXEMPT.test(request.url)) return
    const spec = faults.get(target)
    if (spec.down) {
      reply.hijack()
      request.raw.socket.destroy()
      return
    }
    const delay = faults.delayMs(target)
    if (delay > 0) await sleep(delay)
    if (faults.shouldFail(target)) {
      return reply
        .code(500)
        .send({ code: ErrorCode.FAULT_INJECTED, message: `fault injected into ${target}` })
    }
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const dripMs = faults.get(target).slowDripMs
    if (dripMs <= 0 || EXEMPT.test(request.url) || typeof payload !== 'string') return payload
    reply.removeHeader('content-length')
    return drip(Buffer.from(payload), dripMs)
  })
}

/** A body sent a few bytes at a time, spread over `totalMs`. */
function drip(body: Buffer, totalMs: number): Readable {
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
