import type { TimeSeriesStore } from './port.ts'

export { toLine } from './line-protocol.ts'
export { type Bucket, bucketStarts, type CountQuery, type Point, type TimeSeriesStore } from './port.ts'

/** memory:// → the embedded store; http(s):// → InfluxDB's 1.x / v1-compatibility HTTP API. */
export async function openTimeSeries(
  url: URL,
  options: { database: string; retention?: { maxBytes: number; maxAgeMs: number } },
): Promise<TimeSeriesStore> {
  if (url.protocol === 'memory:') {
    const { createMemoryTimeSeries } = await import('./memory.ts')
    return createMemoryTimeSeries(options.retention)
  }
  const { createInfluxTimeSeries } = await import('./influx.ts')
  return createInfluxTimeSeries({ url, database: options.database })
}
