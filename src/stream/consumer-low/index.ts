// consumer-low (seed :9996, Helm :9997): events with amount <= WATERMARK into InfluxDB as points
// of measurement `event` (amount a float field). A point's identity is its tags + timestamp:
// tag `partition`, time = event time in ns plus the record offset in the sub-millisecond digits,
// so a batch replayed after a crash overwrites itself instead of counting twice.
import type { HttpService } from '../../platform/http/index.ts'
import type { ServiceDeps } from '../../platform/service-kit.ts'
import type { Point, TimeSeriesStore } from '../../platform/tsdb/index.ts'
import { createStreamConsumer, type ParsedRecord } from '../consumer-kit.ts'
import { isHigh, MEASUREMENT } from '../event.ts'
import { createWriteLatency } from '../metrics.ts'

export function toPoint({ record, event }: ParsedRecord): Point {
  return {
    measurement: MEASUREMENT,
    tags: { partition: String(record.partition) },
    fields: { amount: event.amount, offset: record.offset },
    timeNs: BigInt(event.time) * 1_000_000n + (record.offset % 1_000_000n),
  }
}

export function createConsumerLow(deps: ServiceDeps): HttpService {
  const timed = createWriteLatency(deps.telemetry.meter, 'influxdb')
  let store: TimeSeriesStore | undefined
  const open = async () => {
    store ??= await deps.infra.timeSeries()
    return store
  }
  return createStreamConsumer(deps, {
    name: 'consumer-low',
    accepts: (event) => !isHigh(event, deps.config.watermark),
    async prepare() {
      await (await open()).ensureDatabase()
    },
    async write(_batch, events) {
      const target = await open()
      if (events.length > 0) await timed(() => target.write(events.map(toPoint)))
      return events.length
    },
    readiness: [{ name: 'influxdb', check: async () => (await open()).ping() }],
  })
}
