// Server-Sent Events on a hijacked Fastify reply: the headers, the client's reconnect delay and
// one `event:`/`data:` frame per message. The open streams are kept so shutdown can end them: an
// open stream would otherwise hold the server's close() until its client went away.
import type { ServerResponse } from 'node:http'
import type { FastifyReply } from 'fastify'

export interface EventStream {
  /** False once the client went away or the stream was ended. */
  readonly open: boolean
  send(event: string, data: unknown): void
  onClose(listener: () => void): void
}

export interface EventStreams {
  open(reply: FastifyReply, retryMs: number): EventStream
  /** Ends every open stream (on shutdown). */
  endAll(): void
}

export function createEventStreams(): EventStreams {
  const live = new Set<ServerResponse>()
  return {
    open(reply, retryMs) {
      reply.hijack()
      const raw = reply.raw
      raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      raw.write(`retry: ${retryMs}\n\n`)
      live.add(raw)
      raw.on('close', () => live.delete(raw))
      return {
        get open() {
          return !raw.writableEnded && !raw.destroyed
        },
        send(event, data) {
          raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
        },
        onClose(listener) {
          raw.on('close', listener)
        },
      }
    },
    endAll() {
      for (const raw of live) raw.end()
    },
  }
}
