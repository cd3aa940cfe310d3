// Typed building blocks for the config schema: each field knows its env var, its default,
// how to parse a raw string and how to describe what it allows (for errors and docs/configuration.md).

export interface Field<T> {
  readonly env: string
  readonly doc: string
  readonly secret: boolean
  /** The default as the string a user would write; undefined means "unset". */
  readonly fallback: string | undefined
  readonly allowed: string
  parse(raw: string): T
}

type Options = { doc: string; secret?: boolean }

/** A named set of fields: the platform's, or one system's part of the config. */
export type FieldSet = Readonly<Record<string, Field<unknown>>>

/** The parsed values of a field set, as the services read them. */
export type ConfigOf<S extends FieldSet> = Readonly<{ [K in keyof S]: ReturnType<S[K]['parse']> }>

function field<T>(
  env: string,
  fallback: string | undefined,
  allowed: string,
  parse: (raw: string) => T,
  options: Options,
): Field<T> {
  return { env, doc: options.doc, secret: options.secret ?? false, fallback, allowed, parse }
}

export class FieldError extends Error {}

export function text(
  env: string,
  fallback: string,
  options: Options & { maxLength?: number },
): Field<string> {
  const max = options.maxLength ?? 4096
  return field(
    env,
    fallback,
    `text up to ${max} characters`,
    (raw) => {
      if (raw.length > max) throw new FieldError(`is longer than ${max} characters`)
      return raw
    },
    options,
  )
}

export function optionalText(env: string, options: Options): Field<string | undefined> {
  return field(env, undefined, 'any text', (raw) => (raw === '' ? undefined : raw), options)
}

export function integer(
  env: string,
  fallback: number,
  options: Options & { min: number; max: number },
): Field<number> {
  return field(
    env,
    String(fallback),
    `an integer from ${options.min} to ${options.max}`,
    (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new FieldError('is not an integer')
      const value = Number(raw)
      if (value < options.min || value > options.max) throw new FieldError('is out of range')
      return value
    },
    options,
  )
}

/** A TCP port; 0 lets the system pick a free one (tests). */
export function port(env: string, fallback: number, doc: string): Field<number> {
  return integer(env, fallback, { min: 0, max: 65535, doc })
}

export function decimal(
  env: string,
  fallback: number,
  options: Options & { min: number; max: number },
): Field<number> {
  return field(
    env,
    String(fallback),
    `a number from ${options.min} to ${options.max}`,
    (raw) => {
      const value = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(value)) throw new FieldError('is not a number')
      if (value < options.min || value > options.max) throw new FieldError('is out of range')
      return value
    },
    options,
  )
}

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off', ''])

export function flag(env: string, fallback: boolean, options: Options): Field<boolean> {
  return field(
    env,
    String(fallback),
    'true or false (also 1/0, yes/no, on/off)',
    (raw) => {
      const value = raw.trim().toLowerCase()
      if (TRUE.has(value)) return true
      if (FALSE.has(value)) return false
      throw new FieldError('is not a boolean')
    },
    options,
  )
}

export function oneOf<const T extends string>(
  env: string,
  fallback: T,
  values: readonly T[],
  options: Options,
): Field<T> {
  return field(
    env,
    fallback,
    `one of ${values.join(', ')}`,
    (raw) => {
      const value = raw.trim() as T
      if (!values.includes(value)) throw new FieldError('is not allowed')
      return value
    },
    options,
  )
}

/**
 * A comma-separated list, each entry one of `values` (duplicates dropped, order kept). An empty
 * value is taken as unset (the default), as OpenTelemetry treats empty env vars.
 */
export function listOf<const T extends string>(
  env: string,
  fallback: string,
  values: readonly T[],
  options: Options,
): Field<T[]> {
  return field(
    env,
    fallback,
    `comma-separated, each one of ${values.join(', ')}`,
    (raw) => {
      const split = (text: string) =>
        text
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      const entries = split(raw).length > 0 ? split(raw) : split(fallback)
      for (const entry of entries) {
        if (!values.includes(entry as T))
          throw new FieldError(`has "${entry}", not one of ${values.join(', ')}`)
      }
      return [...new Set(entries)] as T[]
    },
    options,
  )
}

export function url(env: string, fallback: string, schemes: readonly string[], options: Options): Field<URL> {
  return field(
    env,
    fallback,
    `a URL with scheme ${schemes.map((s) => `${s}//`).join(', ')}`,
    (raw) => {
      let parsed: URL
      try {
        parsed = new URL(raw.trim())
      } catch {
        throw new FieldError('is not a URL')
      }
      if (!schemes.includes(parsed.protocol))
        throw new FieldError(`has unsupported scheme ${parsed.protocol}`)
      return parsed
    },
    options,
  )
}

export function optionalUrl(
  env: string,
  schemes: readonly string[],
  options: Options,
): Field<URL | undefined> {
  const inner = url(env, '', schemes, options)
  return field(
    env,
    undefined,
    inner.allowed,
    (raw) => (raw.trim() === '' ? undefined : inner.parse(raw)),
    options,
  )
}

/** Comma-separated `key=value` pairs, as OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS use. */
export function keyValues(env: string, options: Options): Field<Record<string, string>> {
  return field(
    env,
    '',
    'comma-separated key=value pairs',
    (raw) => {
      const result: Record<string, string> = {}
      for (const part of raw.split(',')) {
        if (part.trim() === '') continue
        const eq = part.indexOf('=')
        if (eq <= 0) throw new FieldError(`has "${part.trim()}" without key=value`)
        result[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim())
      }
      return result
    },
    options,
  )
}

/**
 * `inner` with a further check of its parsed value: every problem `problems` finds is reported
 * (not only the first), and `allowed` replaces what the field says it accepts.
 */
export function checked<T>(inner: Field<T>, problems: (value: T) => string[], allowed: string): Field<T> {
  return {
    ...inner,
    allowed,
    parse(raw) {
      const value = inner.parse(raw)
      const found = problems(value)
      if (found.length > 0) throw new FieldError(`has ${found.join('; ')}`)
      return value
    },
  }
}

/** KAFKA_BROKERS: `memory://` for the embedded stream, else host:port[,host:port]. */
export function brokerList(env: string, fallback: string, options: Options): Field<string[] | 'memory://'> {
  return field(
    env,
    fallback,
    'memory:// or host:port[,host:port...]',
    (raw) => {
      const value = raw.trim()
      if (value === 'memory://' || value === 'memory:') return 'memory://'
      const brokers = value
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
      if (brokers.length === 0) throw new FieldError('names no broker')
      for (const broker of brokers) {
        if (!/^[\w.-]+:\d{1,5}$/.test(broker)) throw new FieldError(`has "${broker}", not host:port`)
      }
      return brokers
    },
    options,
  )
}
