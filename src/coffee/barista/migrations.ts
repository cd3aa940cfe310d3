// Schema `barista`: one row per order item (its brew state and how often it was completed, which
// the failure drills read to prove nothing was brewed twice), the orders announced ready, the outbox.
import type { Migration } from '../../platform/db/index.ts'
import { outboxMigration } from '../../platform/outbox/index.ts'

export const BARISTA_SCHEMA = 'barista'

export const baristaMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'brews',
    sql: `CREATE TABLE brews (
        order_id uuid NOT NULL,
        item_index integer NOT NULL,
        type text NOT NULL,
        size text NOT NULL,
        state text NOT NULL,
        barista text,
        brew_ms integer,
        completions integer NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        PRIMARY KEY (order_id, item_index));
      CREATE TABLE ready (
        order_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now());`,
  },
  outboxMigration(2),
]
