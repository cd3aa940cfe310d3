// What the deployment artefacts are checked against: the service catalogue and the config schema.
// Everything here is derived from src/, so a service or variable added there is caught by the
// deploy tests until compose, Helm, Prometheus and the dashboards know it.
import { readFileSync } from 'node:fs'
import { schema } from '../../src/config.ts'
import { type ServiceDefinition, services } from '../../src/services.ts'

export const repoRoot = new URL('../../', import.meta.url).pathname

export function readRepoFile(path: string): string {
  return readFileSync(`${repoRoot}${path}`, 'utf8')
}

export const catalogue: readonly ServiceDefinition[] = services

/** Every env var the product reads. */
export const schemaEnvNames: ReadonlySet<string> = new Set(Object.values(schema).map((f) => f.env))

/** Env vars whose values are secrets (connection URLs with credentials, OTLP headers). */
export const secretEnvNames: ReadonlySet<string> = new Set(
  Object.values(schema)
    .filter((f) => f.secret)
    .map((f) => f.env),
)

/** The port a service listens on when started alone with its defaults: its own, or the worker port. */
export function defaultPort(definition: ServiceDefinition): number {
  const key = definition.kind === 'worker' ? 'workerPort' : definition.portKey
  return Number(schema[key].fallback)
}

export const packageJson = JSON.parse(readRepoFile('package.json')) as {
  version: string
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}
