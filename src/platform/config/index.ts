export { describeConfig, type Env, loadConfig } from './load.ts'
export { type Config, type Schema, schema } from './schema.ts'
