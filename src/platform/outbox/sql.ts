// The outbox INSERT, shared by `Outbox.add` and by callers that write their own rows and the
// outbox rows in one statement.

import { randomUUID } from 'node:crypto'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { OutboxEntry, OutboxMessage } from './message.ts'

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
/** A binary body's encoding rides in the stored headers (no schema change), stripped on publish. */
export const ENCODING_HEADER = 'x-bakery-outbox-encoding'

export function withMessageIds(messages: readonly OutboxMessage[]): OutboxEntry['message'][] {
  return messages.map((m) => ({ ...m, messageId: m.messageId ?? randomUUID() }))
}

/**
 * The outbox INSERT as a fragment, for callers that write their rows and the outbox rows in ONE
 * statement (data-modifying CTEs): one round trip instead of BEGIN, two INSERTs and COMMIT.
 * `where` filters the message rows (columns m = message id, e, r, h, c, b); add RETURNING yourself.
 */
export function outboxInsert(
  schema: string,
  firstParam: number,
  where = '',
): { sql: string; params(messages: readonly OutboxEntry['message'][]): unknown[] } {
  if (!SCHEMA_NAME.test(schema))
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid schema name ${schema}`)
  const p = (i: number) => `$${firstParam + i}::text[]`
  return {
    sql: `INSERT INTO ${schema}.outbox (message_id, exchange, routing_key, headers, content_type, body)
      SELECT m, e, r, h::jsonb, c, b FROM unnest(${[0, 1, 2, 3, 4, 5].map(p).join(', ')}) AS t(m, e, r, h, c, b)
      ${where}`,
    params: (messages) => [
      messages.map((m) => m.messageId),
      messages.map((m) => m.exchange ?? ''),
      messages.map((m) => m.routingKey),
      messages.map((m) =>
        JSON.stringify(
          m.encoding === 'base64' ? { ...m.headers, [ENCODING_HEADER]: 'base64' } : (m.headers ?? {}),
        ),
      ),
      messages.map((m) => m.contentType ?? null),
      messages.map((m) => m.body),
    ],
  }
}
