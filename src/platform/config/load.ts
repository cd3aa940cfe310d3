import { BakeryError, ErrorCode } from '../errors.ts'
import { crossFieldProblems } from './cross-checks.ts'
import { type ConfigOf, FieldError, type FieldSet } from './fields.ts'
import { type PlatformConfig, platformSchema } from './schema.ts'
import { type Env, withSeedAliases } from './seed-aliases.ts'

export type { Env }

/**
 * Parses every field of `schema` (the composed config, or a part of it), collecting all problems
 * before failing, so one start-up shows the whole list. The seed's legacy variable names are
 * folded into the standard ones first.
 */
export function loadSchema<S extends FieldSet>(schema: S, env: Env): ConfigOf<S> {
  const merged = withSeedAliases(env)
  const problems: string[] = []
  const values: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(schema)) {
    const raw = merged[field.env] ?? field.fallback
    if (raw === undefined) {
      values[key] = undefined
      continue
    }
    try {
      values[key] = field.parse(raw)
    } catch (error) {
      if (!(error instanceof FieldError)) throw error
      const shown = field.secret ? '[redacted]' : JSON.stringify(raw)
      problems.push(`${field.env}=${shown} ${error.message}; allowed: ${field.allowed}`)
    }
  }
  if (problems.length === 0) problems.push(...crossFieldProblems(values))
  if (problems.length > 0) {
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: problems,
    })
  }
  return Object.freeze(values) as ConfigOf<S>
}

/** The platform's settings alone (platform tests and tools that run no system). */
export function loadPlatformConfig(env: Env): PlatformConfig {
  return loadSchema(platformSchema, env)
}

/** The effective config as `bakery config` prints it: secrets redacted, URLs without passwords. */
export function describeSchema<S extends FieldSet>(schema: S, config: ConfigOf<S>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, field] of Object.entries(schema)) {
    const value: unknown = (config as Record<string, unknown>)[key]
    out[field.env] = field.secret ? redact(value) : show(value)
  }
  return out
}

function show(value: unknown): string {
  if (value === undefined) return ''
  if (value instanceof URL) return value.href
  if (Array.isArray(value)) return value.join(',')
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',')
  }
  return String(value)
}

function redact(value: unknown): string {
  if (value === undefined) return ''
  if (value instanceof URL) {
    if (!value.password) return value.href
    const copy = new URL(value.href)
    copy.password = 'redacted'
    return copy.href
  }
  if (typeof value === 'object' && value !== null) {
    return Object.keys(value)
      .map((k) => `${k}=[redacted]`)
      .join(',')
  }
  return '[redacted]'
}
