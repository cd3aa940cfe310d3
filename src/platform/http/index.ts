export { type AdminOptions, registerAdminRoutes } from './admin.ts'
export { type ErrorBody, errorReply, type FieldProblem, fieldProblems } from './error-handler.ts'
export { guardedRedisStore } from './redis-rate-limit.ts'
export { createHttpService, type HttpApp, type HttpService, type HttpServiceOptions } from './server.ts'
