// InfluxDB 2.x over its own v2 API, the way the stream seed wrote: POST /api/v2/write with line
// protocol into an org's bucket, POST /api/v2/query with Flux (annotated CSV back), an API token as
// `Authorization: Token`. The 1.x adapter (influx.ts) reaches 2.x through its v1-compatibility
// endpoints instead; this one needs no DBRP mapping and can create its bucket.
import { BakeryError, ErrorCode } from '../errors.ts'
import { IDENTIFIER, influxCaller } from './influx-http.ts'
import { toLine } from './line-protocol.ts'
import { type Bucket, bucketStarts, type TimeSeriesStore } from './port.ts'

export interface Influx2Options {
  url: URL
  org: string
  bucket: string
  token: string
  timeoutMs?: number
}

/** Flux counting `field` of `measurement` per window, every window present, stamped at its start. */
export function countFlux(
  bucket: string,
  measurement: string,
  field: string,
  from: number,
  to: number,
  every: number,
) {
  return `from(bucket: "${bucket}")
  |> range(start: time(v: ${from * 1_000_000}), stop: time(v: ${to * 1_000_000}))
  |> filter(fn: (r) => r._measurement == "${measurement}" and r._field == "${field}")
  |> group()
  |> aggregateWindow(every: ${every}ms, fn: count, createEmpty: true, timeSrc: "_start")`
}

/** `_time` and `_value` of each data row of Flux's annotated CSV. */
export function parseCountCsv(csv: string): Map<number, number> {
  const counts = new Map<number, number>()
  let columns: string[] | undefined
  for (const line of csv.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) {
      if (line === '') columns = undefined
      continue
    }
    const cells = line.split(',')
    if (!columns) {
      columns = cells
      continue
    }
    const time = Date.parse(cells[columns.indexOf('_time')] ?? '')
    const value = Number(cells[columns.indexOf('_value')] ?? '')
    if (Number.isFinite(time) && Number.isFinite(value)) counts.set(time, (counts.get(time) ?? 0) + value)
  }
  return counts
}

export function createInflux2TimeSeries(options: Influx2Options): TimeSeriesStore {
  if (!IDENTIFIER.test(options.bucket)) {
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid InfluxDB bucket name ${options.bucket}`)
  }
  const call = influxCaller(
    options.url,
    { authorization: `Token ${options.token}` },
    options.timeoutMs ?? 5000,
  )

  return {
    kind: 'influx',
    async ensureDatabase() {
      const found = await call(
        'api/v2/buckets',
        { org: options.org, name: options.bucket },
        { method: 'GET' },
        'bucket lookup',
      )
      const { buckets } = (await found.json()) as { buckets?: unknown[] }
      if ((buckets ?? []).length > 0) return
      const orgs = await call('api/v2/orgs', { org: options.org }, { method: 'GET' }, 'org lookup')
      const orgID = ((await orgs.json()) as { orgs?: { id: string }[] }).orgs?.[0]?.id
      if (!orgID)
        throw new BakeryError(ErrorCode.TSDB_UNAVAILABLE, `InfluxDB has no org ${options.org}`, {
          status: 503,
        })
      await call(
        'api/v2/buckets',
        {},
        {
          method: 'POST',
          body: JSON.stringify({ name: options.bucket, orgID }),
          headers: { 'content-type': 'application/json' },
        },
        'bucket creation',
      )
    },
    async write(points) {
      if (points.length === 0) return
      await call(
        'api/v2/write',
        { org: options.org, bucket: options.bucket, precision: 'ns' },
        {
          method: 'POST',
          body: points.map(toLine).join('\n'),
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        },
        'write',
      )
    },
    async countByBucket(query) {
      if (!IDENTIFIER.test(query.measurement) || !IDENTIFIER.test(query.field)) {
        throw new BakeryError(ErrorCode.INTERNAL, 'invalid measurement or field name')
      }
      const starts = bucketStarts(query.fromMs, query.toMs, query.bucketMs)
      const from = starts[0] ?? query.fromMs
      const flux = countFlux(
        options.bucket,
        query.measurement,
        query.field,
        from,
        Math.trunc(query.toMs),
        query.bucketMs,
      )
      const response = await call(
        'api/v2/query',
        { org: options.org },
        {
          method: 'POST',
          body: JSON.stringify({
            query: flux,
            type: 'flux',
            dialect: { annotations: ['datatype', 'group', 'default'] },
          }),
          headers: { 'content-type': 'application/json', accept: 'application/csv' },
        },
        'query',
      )
      const counts = parseCountCsv(await response.text())
      return starts.map((time): Bucket => ({ time, count: counts.get(time) ?? 0 }))
    },
    async ping() {
      await call('ping', {}, { method: 'GET' }, 'ping')
    },
    async close() {},
  }
}
