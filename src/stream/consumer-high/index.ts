// consumer-high (seed :9996): events with amount > WATERMARK into PostgreSQL. The batch's rows
// and the next offset of every partition it covers are written in ONE transaction, and records
// below the stored offset are skipped, so a crash or a replay never loses or double-counts.
import type { Database, Queryable } from '../../platform/db/index.ts'
import { migrate, traceDatabase } from '../../platform/db/index.ts'
import type { HttpService } from '../../platform/http/index.ts'
import type { StreamRecord } from '../../platform/stream/index.ts'
import type { StreamDeps } from '../config.ts'
import { createStreamConsumer, type ParsedRecord } from '../consumer-kit.ts'
import { isHigh } from '../event.ts'
import { createWriteLatency } from '../metrics.ts'
import { streamMigrations } from '../schema.ts'

export function createConsumerHigh(deps: StreamDeps): HttpService {
  const { config } = deps
  const schema = config.streamSchema
  const timed = createWriteLatency(deps.telemetry.meter, 'postgres')
  let db: Database | undefined
  const database = async () => {
    db ??= traceDatabase(await deps.infra.database(), deps.telemetry.tracer)
    return db
  }

  async function write(batch: readonly StreamRecord[], events: readonly ParsedRecord[]): Promise<number> {
    const topic = config.kafkaTopic
    return timed(async () =>
      (await database()).transaction(async (tx) => {
        const next = await lockOffsets(tx, schema, topic, batch)
        const fresh = events.filter(({ record }) => record.offset >= (next.get(record.partition) ?? 0n))
        if (fresh.length > 0) {
          await tx.query(
            `INSERT INTO ${schema}.events (time, amount, partition, "offset")
             SELECT to_timestamp(t / 1000.0), a, p, o
             FROM unnest($1::bigint[], $2::float8[], $3::int[], $4::bigint[]) AS u(t, a, p, o)`,
            [
              fresh.map((e) => e.event.time),
              fresh.map((e) => e.event.amount),
              fresh.map((e) => e.record.partition),
              fresh.map((e) => e.record.offset.toString()),
            ],
          )
        }
        const ends = new Map<number, bigint>()
        for (const r of batch) {
          if (r.offset + 1n > (ends.get(r.partition) ?? 0n)) ends.set(r.partition, r.offset + 1n)
        }
        for (const [partition, end] of ends) {
          if (end <= (next.get(partition) ?? 0n)) continue
          await tx.query(
            `INSERT INTO ${schema}.state (name, value) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`,
            [offsetKey(topic, partition), end.toString()],
          )
        }
        return fresh.length
      }),
    )
  }

  return createStreamConsumer(deps, {
    name: 'consumer-high',
    accepts: (event) => isHigh(event, config.watermark),
    async prepare() {
      await migrate(await database(), schema, streamMigrations)
    },
    write,
    readiness: [{ name: 'postgres', check: async () => (await database()).ping() }],
  })
}

const offsetKey = (topic: string, partition: number) => `offset:${topic}:${partition}`

/**
 * Locks the state rows of the batch's partitions and reads them. Missing rows are created first
 * so that two replicas briefly owning one partition (a rebalance) serialise on the same row.
 */
async function lockOffsets(
  tx: Queryable,
  schema: string,
  topic: string,
  batch: readonly StreamRecord[],
): Promise<Map<number, bigint>> {
  const keys = [...new Set(batch.map((r) => r.partition))].map((p) => offsetKey(topic, p))
  await tx.query(
    `INSERT INTO ${schema}.state (name, value) SELECT k, '0' FROM unnest($1::text[]) AS k ON CONFLICT (name) DO NOTHING`,
    [keys],
  )
  const { rows } = await tx.query<{ name: string; value: string }>(
    `SELECT name, value FROM ${schema}.state WHERE name = ANY($1::text[]) FOR UPDATE`,
    [keys],
  )
  const out = new Map<number, bigint>()
  for (const row of rows) out.set(Number(row.name.split(':').pop()), BigInt(row.value))
  return out
}
