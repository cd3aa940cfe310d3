import { BakeryError, ErrorCode } from '../errors.ts'
import type { TimeSeriesStore } from './port.ts'

export { toLine } from './line-protocol.ts'
export { type Bucket, bucketStarts, type CountQuery, type Point, type TimeSeriesStore } from './port.ts'

export interface TimeSeriesOptions {
  database: string
  /** v1: the 1.x API (also 2.x/3.x v1 compatibility); v2: InfluxDB 2's own API (org + token). */
  api?: 'v1' | 'v2'
  org?: string | undefined
  /** An API token given apart from the URL (INFLUX_TOKEN); it wins over one in the URL. */
  token?: string | undefined
  /** Bounds of the embedded store, in bytes and age. */
  retention?: { maxBytes: number; maxAgeMs: number }
}

/**
 * memory:// → the embedded store; http(s):// → InfluxDB's 1.x / v1-compatibility HTTP API, or its
 * v2 API (token in the URL as the password, `database` as the bucket).
 */
export async function openTimeSeries(given: URL, options: TimeSeriesOptions): Promise<TimeSeriesStore> {
  const url = new URL(given.href)
  if (options.token) {
    url.username = ''
    url.password = encodeURIComponent(options.token)
  }
  if (url.protocol === 'memory:') {
    const { createMemoryTimeSeries } = await import('./memory.ts')
    return createMemoryTimeSeries(options.retention)
  }
  if (options.api === 'v2') {
    const token = decodeURIComponent(url.password)
    if (!token || !options.org) {
      throw new BakeryError(
        ErrorCode.CONFIG_INVALID,
        'BAKERY_INFLUX_API=v2 needs a token (INFLUX_URL http://:<token>@host:8086 or INFLUXDB_TOKEN) and INFLUX_ORG',
      )
    }
    const { createInflux2TimeSeries } = await import('./influx2.ts')
    return createInflux2TimeSeries({ url, org: options.org, bucket: options.database, token })
  }
  const { createInfluxTimeSeries } = await import('./influx.ts')
  return createInfluxTimeSeries({ url, database: options.database })
}
