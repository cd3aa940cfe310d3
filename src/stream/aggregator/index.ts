// The aggregator (seed: GET /api on :9995): counts of low (InfluxDB) and high (PostgreSQL) events
// per bucket over a window, plus GET /api/stream, Server-Sent Events with each bucket once closed.
import { type Database, migrate, traceDatabase } from '../../platform/db/index.ts'
import { BakeryError, ErrorCode, errorMessage } from '../../platform/errors.ts'
import { createEventStreams, createServiceHttp, type HttpService } from '../../platform/http/index.ts'
import type { TimeSeriesStore } from '../../platform/tsdb/index.ts'
import type { StreamDeps } from '../config.ts'
import { isDisabled } from '../disabled.ts'
import { MEASUREMENT } from '../event.ts'
import { streamMigrations } from '../schema.ts'
import { type CountPoint, highCounts, lowCounts, merge } from './counts.ts'
import { createLiveBuckets } from './live-buckets.ts'
import { MIN_STREAM_BUCKET_MS, parseWindow } from './window.ts'

export function createAggregator(deps: StreamDeps): HttpService {
  const { config, log } = deps
  const schema = config.streamSchema
  let prepared: Promise<{ db: Database; tsdb: TimeSeriesStore }> | undefined
  // The seed never started its HTTP server when a store was down; here a failed preparation is
  // retried on the next request and answered with 503 meanwhile.
  const stores = () => {
    prepared ??= (async () => {
      const db = traceDatabase(await deps.infra.database(), deps.telemetry.tracer)
      await migrate(db, schema, streamMigrations)
      const tsdb = await deps.infra.timeSeries()
      await tsdb.ensureDatabase()
      return { db, tsdb }
    })()
    prepared.catch(() => {
      prepared = undefined
    })
    return prepared
  }

  async function counts(fromMs: number, toMs: number, bucketMs: number): Promise<CountPoint[]> {
    try {
      const { db, tsdb } = await stores()
      const [low, high] = await Promise.all([
        lowCounts(tsdb, MEASUREMENT, fromMs, toMs, bucketMs),
        highCounts(db, schema, fromMs, toMs, bucketMs),
      ])
      return merge(low, high)
    } catch (error) {
      if (error instanceof BakeryError && error.status === 503) throw error
      throw new BakeryError(ErrorCode.TSDB_UNAVAILABLE, `a store did not answer: ${errorMessage(error)}`, {
        cause: error,
        retryable: true,
        status: 503,
      })
    }
  }

  const streams = createEventStreams()
  const live = createLiveBuckets({
    graceMs: config.streamFlushMs + 500,
    maxSubscribers: config.aggregatorMaxSubscribers,
    query: async (start, bucketMs) =>
      isDisabled(config, 'aggregator') ? null : await counts(start, start + bucketMs, bucketMs),
  })

  return createServiceHttp(deps, {
    name: 'aggregator',
    readiness: [
      { name: 'postgres', check: async () => (await deps.infra.database()).ping() },
      { name: 'influxdb', check: async () => (await deps.infra.timeSeries()).ping() },
    ],
    async onStart() {
      if (!isDisabled(config, 'aggregator'))
        await stores().catch((error: unknown) => log.warn({ err: error }, 'stores not ready yet'))
    },
    async onStop() {
      live.close()
      streams.endAll()
    },
    routes(app) {
      app.get('/', async (_request, reply) => reply.type('text/plain').send('ok'))
      app.get<{ Querystring: { window?: string; bucket?: string } }>('/api', async (request, reply) => {
        if (isDisabled(config, 'aggregator'))
          return { message: 'processing disabled, did nothing', points: null }
        const window = parseWindow(request.query)
        if (!window.ok)
          return reply.code(400).send({ code: ErrorCode.HTTP_VALIDATION, message: window.message })
        const now = Date.now()
        // A store that is away throws a 503 error: the HTTP error handler adds Retry-After.
        return { message: 'ok', points: await counts(now - window.windowMs, now, window.bucketMs) }
      })
      app.get<{ Querystring: { bucket?: string } }>('/api/stream', async (request, reply) => {
        const window = parseWindow({ bucket: request.query.bucket, window: request.query.bucket })
        if (!window.ok)
          return reply.code(400).send({ code: ErrorCode.HTTP_VALIDATION, message: window.message })
        if (window.bucketMs < MIN_STREAM_BUCKET_MS) {
          return reply.code(400).send({
            code: ErrorCode.HTTP_VALIDATION,
            message: `bucket of the live stream must be at least ${MIN_STREAM_BUCKET_MS}ms`,
          })
        }
        if (live.subscribers() >= config.aggregatorMaxSubscribers) {
          throw new BakeryError(
            ErrorCode.HTTP_OVERLOADED,
            `${config.aggregatorMaxSubscribers} live streams are open (BAKERY_AGGREGATOR_MAX_SUBSCRIBERS)`,
            { status: 503, retryAfterS: 5 },
          )
        }
        live.subscribe(window.bucketMs, streams.open(reply, Math.max(1000, window.bucketMs)))
      })
    },
  })
}
