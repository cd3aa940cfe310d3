// The load control's API: GET /api/load (the run in progress or the last one), POST /api/load
// (start one), DELETE /api/load (stop it) and GET /api/load/stream (Server-Sent Events: the run's
// view at every progress tick and at the end, as the aggregator's stream does for its buckets).
import { Type } from 'typebox'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import { createEventStreams, type HttpApp } from '../platform/http/index.ts'
import { LOAD_LIMITS, type LoadControl, type LoadRunView } from './load-control.ts'

const LoadBody = Type.Object({
  target: Type.Optional(Type.Union([Type.Literal('orders'), Type.Literal('coffee'), Type.Literal('albums')])),
  /** Open loop: requests per second. */
  rate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: LOAD_LIMITS.maxRate })),
  /** Closed loop: virtual users (instead of a rate). */
  vus: Type.Optional(Type.Integer({ minimum: 1, maximum: LOAD_LIMITS.maxVus })),
  durationS: Type.Number({ exclusiveMinimum: 0, maximum: LOAD_LIMITS.maxDurationS }),
})

const StopQuery = Type.Object({ abort: Type.Optional(Type.Boolean()) })

/** Open loop (rate) or closed loop (vus): exactly one of them. */
function oneShape(rate: number | undefined, vus: number | undefined): void {
  if ((rate === undefined) !== (vus === undefined)) return
  const problem =
    rate === undefined
      ? { field: 'rate', message: 'is required (requests per second), or give vus for a closed loop' }
      : { field: 'vus', message: 'cannot be given with rate: choose an open loop (rate) or virtual users' }
  throw new BakeryError(ErrorCode.HTTP_VALIDATION, `${problem.field} ${problem.message}`, {
    status: 400,
    details: [problem],
  })
}

/** Registers the routes; the returned function ends the live streams (shutdown). */
export function registerLoadRoutes(app: HttpApp, control: LoadControl): () => void {
  const streams = createEventStreams()

  app.get('/api/load', async () => ({ run: control.current(), limits: LOAD_LIMITS }))

  app.post('/api/load', { schema: { body: LoadBody } }, async (request, reply) => {
    const { target = 'orders', rate, vus, durationS } = request.body
    oneShape(rate, vus)
    const run = control.start({
      target,
      durationS,
      ...(rate === undefined ? {} : { rate }),
      ...(vus === undefined ? {} : { vus }),
    })
    return reply.code(202).send({ run })
  })

  app.delete('/api/load', { schema: { querystring: StopQuery } }, async (request) => ({
    run: control.stop(request.query.abort === true),
  }))

  app.get('/api/load/stream', async (_request, reply) => {
    const stream = streams.open(reply, 2000)
    const send = (run: LoadRunView | null) => stream.send('run', { run })
    send(control.current())
    stream.onClose(control.subscribe(send))
  })

  return () => streams.endAll()
}
