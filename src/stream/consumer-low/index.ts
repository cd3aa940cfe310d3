// consumer-low (seed :9996, Helm :9997): events with amount <= WATERMARK into InfluxDB as points
// of measurement `event` (amount a float field). A point's identity is its tags + timestamp, and
// here it is the record's (partition, offset): tag `partition`, tag `offset_block` = offset / 1e6,
// time = event time in ns plus offset mod 1e6 in the sub-millisecond digits. So a batch replayed
// after a crash overwrites itself instead of counting twice, and two records of one partition
// never collide (the seed's offset mod 1e6 alone did, one million offsets apart); the block tag
// adds one series per million records of a partition.
import type { HttpService } from '../../platform/http/index.ts'
import type { Point, TimeSeriesStore } from '../../platform/tsdb/index.ts'
import type { StreamDeps } from '../config.ts'
import { createStreamConsumer, type ParsedRecord } from '../consumer-kit.ts'
import { isHigh, MEASUREMENT } from '../event.ts'
import { createWriteLatency } from '../metrics.ts'

const OFFSETS_PER_BLOCK = 1_000_000n

export function toPoint({ record, event }: ParsedRecord): Point {
  return {
    measurement: MEASUREMENT,
    tags: { partition: String(record.partition), offset_block: String(record.offset / OFFSETS_PER_BLOCK) },
    fields: { amount: event.amount, offset: record.offset },
    timeNs: BigInt(event.time) * 1_000_000n + (record.offset % OFFSETS_PER_BLOCK),
  }
}

export function createConsumerLow(deps: StreamDeps): HttpService {
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
