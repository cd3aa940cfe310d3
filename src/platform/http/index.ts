export { type AdminOptions, registerAdminRoutes } from './admin.ts'
export { type HttpEdge, httpEdge, parseTrustProxy } from './edge.ts'
export { type ErrorBody, errorReply, type FieldProblem, fieldProblems } from './error-handler.ts'
export { createEventStreams, type EventStream, type EventStreams } from './event-stream.ts'
export {
  createIdempotencyGuard,
  type IdempotencyGuard,
  idempotencyKeyReused,
  parseIdempotencyHeader,
  payloadFingerprint,
} from './idempotency.ts'
export { guardedRedisStore } from './redis-rate-limit.ts'
export { createHttpService, type HttpApp, type HttpService, type HttpServiceOptions } from './server.ts'
export { createServiceHttp, type ServiceHttpOptions } from './service-http.ts'
export { tagRequest, tagRequestOrder } from './tracing.ts'
