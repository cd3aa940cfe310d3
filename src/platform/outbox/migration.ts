// The outbox table lives in the caller's schema, so its rows commit in the caller's transaction.
import type { Migration } from '../db/index.ts'

/** Add this to the system's own migration list (migrations run with search_path = that schema). */
export function outboxMigration(version: number): Migration {
  return {
    version,
    name: 'outbox',
    sql: `CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      message_id text NOT NULL,
      exchange text NOT NULL DEFAULT '',
      routing_key text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}',
      content_type text,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  }
}
