// Schema `bakery`: orders plus the platform outbox, in one transaction per accepted batch.
import type { Migration } from '../../platform/db/index.ts'
import { outboxMigration } from '../../platform/outbox/index.ts'

export const bakeryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'orders',
    // seq is the insertion order (it breaks orderTime ties in the list); order_key is the random public key.
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
  {
    version: 4,
    name: 'orders_by_time',
    // The list is newest-first by order_time, seq breaking ties: seq follows commit order, and
    // a batch stamped earlier can commit after a later one. The index serves the keyset pages.
    sql: 'CREATE INDEX orders_order_time_seq ON orders (order_time, seq)',
  },
  {
    version: 5,
    name: 'orders_idempotency_fingerprint',
    // A digest of the first request's payload: a reused key with another payload is refused (422).
    sql: 'ALTER TABLE orders ADD COLUMN idempotency_fingerprint text',
  },
]
