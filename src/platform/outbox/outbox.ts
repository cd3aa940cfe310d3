// Transactional outbox. `add` writes message rows inside the caller's transaction; after commit
// `dispatch` publishes them at once (fast path) and deletes each row once the broker confirmed it.
// A relay re-publishes rows nobody confirmed: the ones whose fast path failed here (woken at once,
// then with backoff while the broker is away) and, on a slower poll, rows older than a grace
// period (left by a process that crashed). SKIP LOCKED keeps relays of several processes apart.
// Delivery is at-least-once: consumers de-duplicate by message id.
import { type Attributes, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api'
import { createBatcher } from '../batching/index.ts'
import type { Database, Queryable } from '../db/index.ts'
import { BakeryError, ErrorCode, errorMessage } from '../errors.ts'
import { createRelayTimer } from '../lifecycle/index.ts'
import type { Logger } from '../log/index.ts'
import type { Queue } from '../queue/index.ts'
import { extractTraceContext, injectTraceContext, markSpanError } from '../telemetry/index.ts'
import type { OutboxEntry, OutboxMessage } from './message.ts'
import { ENCODING_HEADER, outboxInsert, withMessageIds } from './sql.ts'

export type { OutboxEntry, OutboxMessage }

export interface OutboxOptions {
  db: Database
  /** Schema holding the `outbox` table (see outboxMigration). */
  schema: string
  queue: Queue
  log: Logger
  /** Poll for rows older than `graceMs` (crashed publishers); the relay also wakes on failures. */
  pollIntervalMs?: number
  graceMs?: number
  relayBatch?: number
  /**
   * A producer span per actual publish (fast path or relay), child of the trace context stored in
   * the message headers at `add` time; its own context replaces it in the headers sent.
   */
  tracing?: {
    tracer: Tracer
    spanName(message: OutboxMessage): string
    attributes?(message: OutboxMessage): Attributes
    /** Adds the outcome in the caller's attribute names. */
    onEnd?(span: Span, ok: boolean): void
  }
  /** Called when a message is confirmed, with how it got there (for metrics). */
  onPublished?(path: 'fast' | 'relay', count: number): void
}

export interface Outbox {
  /** Stores messages in the caller's transaction. Dispatch the entries after commit. */
  add(tx: Queryable, messages: readonly OutboxMessage[]): Promise<OutboxEntry[]>
  /** Publishes after commit; resolves true once confirmed, false when left to the relay. Never rejects. */
  dispatch(entry: OutboxEntry): Promise<boolean>
  /** Signals the relay to look for unpublished rows now. */
  wake(): void
  /** Rows stored and not yet confirmed by this process's knowledge. */
  backlog(): Promise<number>
  start(): void
  /** Stops the relay and waits (bounded) for publishes in flight and pending deletes. */
  stop(timeoutMs?: number): Promise<void>
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export function createOutbox(options: OutboxOptions): Outbox {
  const { db, queue, log, schema } = options
  if (!SCHEMA_NAME.test(schema))
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid schema name ${schema}`)
  const table = `${schema}.outbox`
  const pollIntervalMs = options.pollIntervalMs ?? 5000
  const graceMs = options.graceMs ?? 10_000
  const relayBatch = options.relayBatch ?? 500
  const inFlight = new Set<string>()
  const failed = new Set<string>()
  const publishing = new Set<Promise<unknown>>()
  let rerun = false
  let backoffMs = 0

  const insert = outboxInsert(schema, 1)

  // Confirmed rows are deleted in groups: one statement for many confirms.
  const deleter = createBatcher<string, void>({
    maxBatch: 2000,
    maxConcurrent: 1,
    async run(ids) {
      await db.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [ids], {
        name: `${schema}.outbox.delete`,
      })
      return ids.map(() => undefined)
    },
  })

  function publish(message: OutboxEntry['message'], path: 'fast' | 'relay'): Promise<void> {
    const target = message.exchange
      ? { exchange: message.exchange, routingKey: message.routingKey }
      : { routingKey: message.routingKey }
    const { [ENCODING_HEADER]: stored, ...storedHeaders } = message.headers ?? {}
    const body = Buffer.from(message.body, message.encoding ?? (stored === 'base64' ? 'base64' : 'utf8'))
    const send = (headers: Record<string, string>) =>
      queue.publish(target, body, {
        headers,
        messageId: message.messageId,
        ...(message.contentType ? { contentType: message.contentType } : {}),
      })
    const tracing = options.tracing
    if (!tracing) return send(storedHeaders)
    const parent = extractTraceContext(message.headers)
    const span = tracing.tracer.startSpan(
      tracing.spanName(message),
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': queue.kind === 'amqp' ? 'rabbitmq' : 'bakery_memory',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.destination.name': message.exchange || message.routingKey,
          'messaging.rabbitmq.destination.routing_key': message.routingKey,
          'messaging.message.id': message.messageId,
          'messaging.message.body.size': body.length,
          'bakery.outbox.path': path,
          ...tracing.attributes?.(message),
        },
      },
      parent,
    )
    const headers = injectTraceContext({ ...storedHeaders }, trace.setSpan(parent, span)) as Record<
      string,
      string
    >
    return send(headers).then(
      () => {
        tracing.onEnd?.(span, true)
        span.end()
      },
      (error: unknown) => {
        tracing.onEnd?.(span, false)
        markSpanError(span, error)
        span.end()
        throw error
      },
    )
  }

  function confirmed(id: string): void {
    failed.delete(id)
    deleter.add(id).catch((error: unknown) => {
      // The row stays; the relay publishes it again later (a harmless duplicate).
      log.warn({ err: errorMessage(error) }, 'outbox delete failed')
    })
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    publishing.add(promise)
    void promise.finally(() => publishing.delete(promise)).catch(() => undefined)
    return promise
  }

  async function relayOnce(): Promise<number> {
    let published = 0
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{
        id: string
        message_id: string
        exchange: string
        routing_key: string
        headers: Record<string, string> | string
        content_type: string | null
        body: string
      }>(
        // Oldest first: `o.id`, the bigint; a bare `id` would sort the text column ('10' < '9').
        `SELECT id::text, message_id, exchange, routing_key, headers, content_type, body FROM ${table} o
          WHERE (created_at < now() - make_interval(secs => $1::double precision) OR id = ANY($2::bigint[]))
            AND NOT (id = ANY($3::bigint[]))
          ORDER BY o.id LIMIT $4 FOR UPDATE SKIP LOCKED`,
        [graceMs / 1000, [...failed], [...inFlight], relayBatch],
      )
      if (rows.length === 0) return
      const results = await Promise.allSettled(
        rows.map((row) =>
          publish(
            {
              messageId: row.message_id,
              exchange: row.exchange,
              routingKey: row.routing_key,
              body: row.body,
              headers: typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers,
              ...(row.content_type ? { contentType: row.content_type } : {}),
            },
            'relay',
          ),
        ),
      )
      const done = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((row) => row.id)
      if (done.length > 0) {
        await tx.query(`DELETE FROM ${table} WHERE id = ANY($1::bigint[])`, [done])
        for (const id of done) failed.delete(id)
      }
      published = done.length
      options.onPublished?.('relay', done.length)
      const rejected = results.find((r) => r.status === 'rejected')
      if (rejected) throw (rejected as PromiseRejectedResult).reason
    })
    return published
  }

  /** One relay pass: publishes stored rows until none are left; resolves to the next pass's delay. */
  async function relayPass(): Promise<number> {
    try {
      let count: number
      do {
        rerun = false
        count = await relayOnce()
        if (count > 0) log.info({ count }, 'outbox relay published stored messages')
      } while ((count >= relayBatch || rerun) && !relay.stopped)
      backoffMs = 0
      return failed.size > 0 ? 100 : pollIntervalMs
    } catch (error) {
      backoffMs = Math.min(5000, backoffMs === 0 ? 200 : backoffMs * 2)
      log.warn({ err: errorMessage(error), retryInMs: backoffMs }, 'outbox relay failed')
      return backoffMs
    }
  }

  const relay = createRelayTimer({
    run: relayPass,
    onWakeWhileRunning: () => {
      rerun = true
    },
  })
  const wake = () => relay.wake()

  return {
    async add(tx, messages) {
      if (messages.length === 0) return []
      const withIds = withMessageIds(messages)
      const { rows } = await tx.query<{ id: string; message_id: string }>(
        `${insert.sql} RETURNING id::text, message_id`,
        insert.params(withIds),
        { name: `${schema}.outbox.insert` },
      )
      const byMessageId = new Map(rows.map((r) => [r.message_id, r.id]))
      return withIds.map((message) => ({ id: byMessageId.get(message.messageId) as string, message }))
    },
    dispatch(entry) {
      inFlight.add(entry.id)
      return track(
        publish(entry.message, 'fast').then(
          () => {
            inFlight.delete(entry.id)
            confirmed(entry.id)
            options.onPublished?.('fast', 1)
            return true
          },
          (error: unknown) => {
            inFlight.delete(entry.id)
            failed.add(entry.id)
            log.debug({ err: errorMessage(error) }, 'outbox fast path failed; relay takes over')
            // Woken right away: if the broker is back the relay publishes, else it backs off.
            if (backoffMs === 0) wake()
            return false
          },
        ),
      )
    },
    wake,
    async backlog() {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)
      return Number(rows[0]?.n ?? 0)
    },
    start() {
      // A start runs the relay once: rows a crashed predecessor left behind go out now.
      relay.start()
    },
    async stop(timeoutMs = 5000) {
      const relayStopped = relay.stop()
      const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())
      await Promise.race([Promise.allSettled([...publishing, relayStopped]), deadline])
      await Promise.race([deleter.idle(), deadline])
    },
  }
}
