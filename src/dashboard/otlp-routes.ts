// The OTLP/HTTP receiver: POST /v1/traces and /v1/logs (http/protobuf and http/json, optionally
// gzip'd), so Bakery processes running apart export their spans and log lines to this dashboard.
import { gunzipSync } from 'node:zlib'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { HttpApp } from '../platform/http/index.ts'
import type { SpanStore } from '../platform/telemetry/index.ts'
import type { LogInput } from '../platform/telemetry/store/index.ts'
import { decodeOtlpJson, decodeOtlpProtobuf } from './otlp.ts'
import { decodeOtlpLogsJson, decodeOtlpLogsProtobuf } from './otlp-logs.ts'

interface Signal<T> {
  path: string
  protobuf(body: Uint8Array): T[]
  json(body: unknown): T[]
  keep(item: T): void
}

export function registerOtlpRoutes(
  app: HttpApp,
  targets: {
    spans: SpanStore | undefined
    /** Where received log records go (the telemetry store); without one they are accepted and dropped. */
    logs: ((log: LogInput) => void) | undefined
  },
  /** Largest body after inflating, the same as the body limit before it. */
  bodyLimit = 1024 * 1024,
): void {
  const { spans, logs } = targets
  // Its own parsers (protobuf, JSON, gzip) in an encapsulated context.
  app.register(async (otlp) => {
    otlp.removeAllContentTypeParsers()
    otlp.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    const receive = <T>(signal: Signal<T>) =>
      otlp.post(signal.path, async (request, reply) => {
        const type = String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim()
        let body = request.body as Buffer | undefined
        if (!body) body = Buffer.alloc(0)
        if (request.headers['content-encoding'] === 'gzip') body = inflate(body, bodyLimit)
        let items: T[]
        if (type === 'application/x-protobuf' || type === 'application/protobuf') {
          items = signal.protobuf(body)
        } else if (type === 'application/json') {
          let parsed: unknown
          try {
            parsed = JSON.parse(body.toString('utf8'))
          } catch (error) {
            throw new BakeryError(ErrorCode.HTTP_VALIDATION, 'body is not valid JSON', {
              status: 400,
              cause: error,
            })
          }
          items = signal.json(parsed)
        } else {
          throw new BakeryError(
            ErrorCode.HTTP_UNSUPPORTED_MEDIA_TYPE,
            `unsupported content type "${type ?? ''}"; use application/x-protobuf or application/json`,
            { status: 415 },
          )
        }
        // A request is decoded whole before anything is kept: a bad item refuses it all (400).
        for (const item of items) signal.keep(item)
        // An empty Export…ServiceResponse means full success in both encodings.
        if (type === 'application/json') return reply.type('application/json').send({})
        return reply.type('application/x-protobuf').send(Buffer.alloc(0))
      })
    receive({
      path: '/v1/traces',
      protobuf: decodeOtlpProtobuf,
      json: decodeOtlpJson,
      keep: (span) => spans?.add(span),
    })
    receive({
      path: '/v1/logs',
      protobuf: decodeOtlpLogsProtobuf,
      json: decodeOtlpLogsJson,
      keep: (log) => logs?.(log),
    })
  })
}

/** Gunzips at most `limit` bytes: a small bomb must not become a large body past the limit. */
function inflate(body: Buffer, limit: number): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: limit })
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BakeryError(
        ErrorCode.HTTP_PAYLOAD_TOO_LARGE,
        `the inflated body is larger than ${limit} bytes`,
        {
          status: 413,
          cause: error,
        },
      )
    }
    throw new BakeryError(ErrorCode.HTTP_VALIDATION, 'body is not valid gzip', { status: 400, cause: error })
  }
}
