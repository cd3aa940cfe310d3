// The seeds' own variable names (a seed is one of the original demos Bakery re-implements), folded
// into the standard ones when those are unset, so a seed's deployment runs unchanged. Each seed
// name keeps the seed's default (docs/configuration.md lists them).

export type Env = Readonly<Record<string, string | undefined>>

const TRUE = /^(1|true|yes|on)$/i

/** StreamProc's consumer-high: POSTGRES_HOST/PORT/USER/PASSWORD/DB/USE_SSL (user/pass/postgres). */
function postgresUrl(env: Env): string {
  const url = new URL('postgres://localhost')
  url.host = `${env.POSTGRES_HOST}:${env.POSTGRES_PORT || '5432'}`
  url.username = encodeURIComponent(env.POSTGRES_USER || 'user')
  url.password = encodeURIComponent(env.POSTGRES_PASSWORD || 'pass')
  url.pathname = `/${encodeURIComponent(env.POSTGRES_DB || 'postgres')}`
  // The seed's USE_SSL meant libpq's sslmode=require: encrypted, certificate not verified.
  if (TRUE.test(env.POSTGRES_USE_SSL ?? '')) url.search = '?sslmode=require&uselibpqcompat=true'
  return url.href
}

/**
 * StreamProc's consumer-low wrote to InfluxDB 2 with INFLUXDB_HOST/TOKEN/ORG/BUCKET. The token
 * goes in the URL as a password without a user name (sent as `Authorization: Token`), the bucket is
 * the database, the org is INFLUX_ORG. By default Bakery speaks the 1.x API, which InfluxDB 2.x/3.x
 * serve for v1 compatibility (the token implies the org); BAKERY_INFLUX_API=v2 uses InfluxDB 2's
 * own /api/v2 with the org, as the seed did.
 */
function influxUrl(env: Env): string {
  const host = env.INFLUXDB_HOST as string
  // A URL is taken as it is (its scheme's port unless it names one); a bare host gets 8086.
  if (/^https?:\/\//i.test(host)) return withToken(new URL(host), env)
  const url = new URL(`http://${host}`)
  if (!url.port) url.port = '8086'
  return withToken(url, env)
}

function withToken(url: URL, env: Env): string {
  if (env.INFLUXDB_TOKEN) url.password = encodeURIComponent(env.INFLUXDB_TOKEN)
  return url.href
}

export function withSeedAliases(env: Env): Env {
  const out: Record<string, string | undefined> = { ...env }
  if (!env.AMQP_URL && env.RABBIT_HOST) {
    const user = encodeURIComponent(env.RABBIT_USERNAME ?? 'guest')
    const pass = encodeURIComponent(env.RABBIT_PASSWORD ?? 'guest')
    out.AMQP_URL = `amqp://${user}:${pass}@${env.RABBIT_HOST}`
  }
  // The bakery seed's DB_HOST named its Redis.
  if (!env.REDIS_URL && env.DB_HOST) out.REDIS_URL = `redis://${env.DB_HOST}`
  if (!env.KAFKA_BROKERS && env.KAFKA_HOST)
    out.KAFKA_BROKERS = `${env.KAFKA_HOST}:${env.KAFKA_PORT ?? '9092'}`
  if (!env.BAKERY_STREAM_API_URL && env.API_HOST)
    out.BAKERY_STREAM_API_URL = `http://${env.API_HOST}:${env.API_PORT ?? '9998'}/`
  if (!env.DATABASE_URL && env.POSTGRES_HOST) out.DATABASE_URL = postgresUrl(env)
  if (!env.INFLUX_URL && env.INFLUXDB_HOST) out.INFLUX_URL = influxUrl(env)
  if (!env.INFLUX_DATABASE && env.INFLUXDB_BUCKET) out.INFLUX_DATABASE = env.INFLUXDB_BUCKET
  if (!env.INFLUX_ORG && env.INFLUXDB_ORG) out.INFLUX_ORG = env.INFLUXDB_ORG
  return out
}
