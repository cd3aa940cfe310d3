// Schema `bakery`: orders plus the platform outbox, in one transaction per accepted batch.
import type { Migration } from '../../platform/db/index.ts'
import { outboxMigration } from '../../platform/outbox/index.ts'

export const bakeryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders',
    // seq orders the dashboard's newest-first pages; order_key is the random public key.
    sql: `CREATE TABLE orders (
      seq bigserial PRIMARY KEY,
      order_key text NOT NULL UNIQUE,
      customer text NOT NULL,
      pastry text NOT NULL,
      order_time timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'baking', 'finished')),
      baking_time timestamptz,
      finished_time timestamptz,
      bakes integer NOT NULL DEFAULT 0,
      idempotency_key text UNIQUE
    )`,
  },
  outboxMigration(2),
  {
    version: 3,
    name: 'orders_lean_writes',
    // Most orders carry no idempotency key: a partial index skips them. Free space per page lets the
    // two status updates be HOT (no index touched), as they change no indexed column.
    sql: `ALTER TABLE orders DROP CONSTRAINT orders_idempotency_key_key;
      CREATE UNIQUE INDEX orders_idempotency_key ON orders (idempotency_key) WHERE idempotency_key IS NOT NULL;
      ALTER TABLE orders SET (fillfactor = 70)`,
  },
]
