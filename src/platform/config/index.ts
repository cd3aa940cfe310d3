export { isLoopbackHost, MIN_EXPOSED_TOKEN_LENGTH } from './cross-checks.ts'
export type { ConfigOf, Field, FieldSet } from './fields.ts'
export { describeSchema, type Env, loadPlatformConfig, loadSchema } from './load.ts'
export { type PlatformConfig, type PlatformSchema, PROPAGATORS, platformSchema } from './schema.ts'
