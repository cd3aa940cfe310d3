// The album store seed's span attributes on each request's server span: the request body, the
// response body and code. Bodies are cut to SEED_BODY_MAX characters so a large album list
// cannot bloat a span (the seed copied them whole).
import { trace } from '@opentelemetry/api'
import type { HttpApp } from '../../platform/http/index.ts'

export const SEED_BODY_MAX = 1024

export function capped(text: string): string {
  if (text.length <= SEED_BODY_MAX) return text
  // A slice of a V8 string keeps the whole original alive: copy the head, so a span kept in the
  // span store holds 1 KB, not the full page it was cut from.
  return `${Buffer.from(text.slice(0, SEED_BODY_MAX)).toString()}…`
}

// Callback hooks, not async ones: an async hook costs a promise and a microtask turn per request,
// and these run on every page of a catalogue walk.
export function recordSeedSpanAttributes(scope: HttpApp): void {
  scope.addHook('preHandler', (request, _reply, done) => {
    if (request.body !== undefined) {
      const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body)
      trace.getActiveSpan()?.setAttribute('album-store.request.body', capped(body ?? ''))
    }
    done()
  })
  scope.addHook('onSend', (_request, reply, payload, done) => {
    const span = trace.getActiveSpan()
    if (span) {
      span.setAttribute('album-store.response.code', reply.statusCode)
      if (typeof payload === 'string') span.setAttribute('album-store.response.body', capped(payload))
      else if (Buffer.isBuffer(payload))
        span.setAttribute('album-store.response.body', capped(payload.toString('utf8')))
    }
    done(null, payload)
  })
}
