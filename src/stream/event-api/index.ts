// The event API (seed: POST / on :9998): a JSON array or one JSON event per line, validated as a
// whole, then produced to Kafka; 200 only once Kafka acknowledged every event of the batch.
import { SpanKind } from '@opentelemetry/api'
import { BakeryError, ErrorCode, errorMessage } from '../../platform/errors.ts'
import { createServiceHttp, type HttpService } from '../../platform/http/index.ts'
import type { Stream } from '../../platform/stream/index.ts'
import { injectTraceContext, withSpan } from '../../platform/telemetry/index.ts'
import type { StreamDeps } from '../config.ts'
import { isDisabled } from '../disabled.ts'
import { createIngestMetrics } from '../metrics.ts'
import { parseBody } from './parse.ts'

export function createEventApi(deps: StreamDeps): HttpService {
  const { config, telemetry } = deps
  const metrics = createIngestMetrics(telemetry.meter, 'event-api')
  let stream: Stream | undefined
  const openStream = async () => {
    stream ??= await deps.infra.stream()
    return stream
  }

  async function produce(events: { value: Buffer }[]): Promise<void> {
    const target = await openStream()
    await withSpan(
      telemetry.tracer,
      `${config.kafkaTopic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': target.kind === 'kafka' ? 'kafka' : 'bakery-memory',
          'messaging.destination.name': config.kafkaTopic,
          'messaging.operation.type': 'send',
          'messaging.batch.message_count': events.length,
        },
      },
      async () => {
        // One producer span per batch; every record carries it so consumers can link back.
        const headers = injectTraceContext({}) as Record<string, string>
        await target.produce(events.map((e) => ({ topic: config.kafkaTopic, value: e.value, headers })))
      },
    )
  }

  return createServiceHttp(deps, {
    name: 'event-api',
    readiness: [{ name: 'kafka', check: async () => (await openStream()).ping() }],
    async onStart() {
      if (isDisabled(config, 'event-api')) return
      // A broker down at start-up is not fatal: requests answer 503 until it is back.
      await (await openStream())
        .createTopic(config.kafkaTopic, config.streamPartitions)
        .catch((error: unknown) => deps.log.warn({ err: error }, 'could not create the topic'))
    },
    routes(app) {
      // The body is parsed here, not by Fastify, so an error can name the line it is on.
      app.removeAllContentTypeParsers()
      app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))
      app.get('/', async (_request, reply) => reply.type('text/plain').send('ok'))
      app.post('/', async (request, reply) => {
        if (isDisabled(config, 'event-api')) return { message: 'processing disabled, did nothing' }
        const parsed = parseBody(request.headers['content-type'], request.body, config.streamMaxEvents)
        if (!parsed.ok) {
          metrics.rejected(1, 'bad_body')
          return reply.code(400).send({ code: ErrorCode.STREAM_BAD_EVENT, message: parsed.message })
        }
        try {
          await produce(parsed.events)
        } catch (error) {
          const failure = new BakeryError(
            ErrorCode.STREAM_UNAVAILABLE,
            'Kafka did not acknowledge the batch',
            {
              cause: error,
              retryable: true,
              status: 503,
            },
          )
          request.log.warn({ err: failure, cause: errorMessage(error) }, 'produce failed')
          return reply
            .code(503)
            .header('retry-after', '2')
            .send({ code: failure.code, message: `${failure.message}: ${errorMessage(error)}` })
        }
        metrics.ingested(parsed.events.length)
        return { message: `ingested ${parsed.events.length} events` }
      })
    },
  })
}
