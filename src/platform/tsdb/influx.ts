// InfluxDB over its 1.x HTTP API: POST /write with line protocol, GET /query with InfluxQL.
// InfluxDB 2.x and 3.x serve the same endpoints for v1 compatibility (a database mapped to a
// bucket), so this adapter talks to every version. Credentials come in the URL: user and password
// go as basic auth (1.x, or v1 credentials on 2.x); a password without a user is an API token,
// sent as `Authorization: Token` (2.x/3.x).
import { BakeryError, ErrorCode } from '../errors.ts'
import { IDENTIFIER, influxCaller } from './influx-http.ts'
import { toLine } from './line-protocol.ts'
import { type Bucket, bucketStarts, type TimeSeriesStore } from './port.ts'

export interface InfluxOptions {
  url: URL
  database: string
  timeoutMs?: number
}

export function createInfluxTimeSeries(options: InfluxOptions): TimeSeriesStore {
  if (!IDENTIFIER.test(options.database))
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid InfluxDB database name ${options.database}`)
  const base = new URL(options.url.href)
  const headers: Record<string, string> = {}
  const token = !base.username && base.password ? decodeURIComponent(base.password) : undefined
  if (token) headers.authorization = `Token ${token}`
  else if (base.username || base.password) {
    const user = decodeURIComponent(base.username)
    const pass = decodeURIComponent(base.password)
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
  }
  const call = influxCaller(base, headers, options.timeoutMs ?? 5000)

  async function influxql(q: string, method: 'GET' | 'POST'): Promise<InfluxResult[]> {
    const params: Record<string, string> = { q, epoch: 'ms' }
    if (method === 'GET') params.db = options.database
    const response = await call('query', params, { method }, 'query')
    const body = (await response.json()) as { results?: InfluxResult[] }
    const failed = body.results?.find((r) => r.error)
    if (failed)
      throw new BakeryError(ErrorCode.TSDB_UNAVAILABLE, `InfluxDB query failed: ${failed.error}`, {
        status: 503,
      })
    return body.results ?? []
  }

  return {
    kind: 'influx',
    async ensureDatabase() {
      // With a token the server is 2.x/3.x: the v1 API cannot create a 2.x bucket (it must exist,
      // as the seed's chart made it) and 3.x creates the database on the first write.
      if (token) return
      await influxql(`CREATE DATABASE "${options.database}"`, 'POST')
    },
    async write(points) {
      if (points.length === 0) return
      await call(
        'write',
        { db: options.database, precision: 'ns' },
        { method: 'POST', body: points.map(toLine).join('\n'), headers: { 'content-type': 'text/plain' } },
        'write',
      )
    },
    async countByBucket(query) {
      if (!IDENTIFIER.test(query.measurement) || !IDENTIFIER.test(query.field)) {
        throw new BakeryError(ErrorCode.INTERNAL, 'invalid measurement or field name')
      }
      const starts = bucketStarts(query.fromMs, query.toMs, query.bucketMs)
      const from = starts[0] ?? query.fromMs
      const results = await influxql(
        `SELECT count("${query.field}") FROM "${query.measurement}" WHERE time >= ${from}ms AND time < ${Math.trunc(query.toMs)}ms GROUP BY time(${query.bucketMs}ms) fill(0)`,
        'GET',
      )
      const counts = new Map<number, number>()
      for (const series of results[0]?.series ?? []) {
        for (const [time, count] of series.values) counts.set(Number(time), Number(count ?? 0))
      }
      return starts.map((time): Bucket => ({ time, count: counts.get(time) ?? 0 }))
    },
    async ping() {
      await call('ping', {}, { method: 'GET' }, 'ping')
    },
    async close() {},
  }
}

interface InfluxResult {
  error?: string
  series?: { values: [number, number | null][] }[]
}
