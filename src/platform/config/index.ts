export { isLoopbackHost, MIN_EXPOSED_TOKEN_LENGTH } from './cross-checks.ts'
export { describeConfig, type Env, loadConfig } from './load.ts'
export { type Config, type Schema, schema } from './schema.ts'
