// The HTTP exchange both InfluxDB adapters share (influx.ts over the 1.x API, influx2.ts over
// /api/v2): a call with a time limit, whose transport errors and non-2xx answers become
// BKR_TSDB_UNAVAILABLE (a 503 for whoever serves it; retryable unless InfluxDB refused the data).
import { BakeryError, ErrorCode } from '../errors.ts'
import { retryableStatus } from './port.ts'

export type InfluxCall = (
  path: string,
  params: Record<string, string>,
  init: RequestInit,
  what: string,
) => Promise<Response>

/** Database, bucket, measurement and field names the adapters put into queries. */
export const IDENTIFIER = /^[A-Za-z_][\w-]{0,127}$/

/** `url` without credentials as the base; `headers` (authorization) go with every call. */
export function influxCaller(url: URL, headers: Record<string, string>, timeoutMs: number): InfluxCall {
  const base = new URL(url.href)
  base.username = ''
  base.password = ''
  return async (path, params, init, what) => {
    const target = new URL(path, base)
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v)
    let response: Response
    try {
      response = await fetch(target, {
        ...init,
        headers: { ...headers, ...init.headers },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      throw new BakeryError(ErrorCode.TSDB_UNAVAILABLE, `InfluxDB ${what} failed`, {
        cause: error,
        retryable: true,
        status: 503,
      })
    }
    if (!response.ok) {
      const body = await response.text().catch(() => '')
      throw new BakeryError(
        ErrorCode.TSDB_UNAVAILABLE,
        `InfluxDB ${what} answered ${response.status}: ${body.slice(0, 200)}`,
        { retryable: retryableStatus(response.status), status: 503 },
      )
    }
    return response
  }
}
