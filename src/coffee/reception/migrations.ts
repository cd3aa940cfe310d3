// Schema `coffee`: the menu (the seed's coffees and prices), sizes with their surcharge, orders
// with a total and a status, and the outbox. The seed's init down-migration dropped `products`
// (a table it never made); ours are forward-only.
import type { Migration } from '../../platform/db/index.ts'
import { outboxMigration } from '../../platform/outbox/index.ts'

export const COFFEE_SCHEMA = 'coffee'

export const coffeeMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'menu',
    sql: `CREATE TABLE coffees (
        id serial PRIMARY KEY,
        name text NOT NULL UNIQUE,
        price numeric(10, 2) NOT NULL CHECK (price >= 0),
        created_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO coffees (name, price) VALUES ('cappuccino', 2.70), ('espresso', 1.50), ('latte', 3.00);
      CREATE TABLE sizes (
        name text PRIMARY KEY,
        surcharge numeric(10, 2) NOT NULL CHECK (surcharge >= 0),
        position integer NOT NULL);
      INSERT INTO sizes (name, surcharge, position) VALUES ('small', 0.00, 1), ('medium', 0.50, 2), ('large', 1.00, 3);`,
  },
  {
    version: 2,
    name: 'orders',
    sql: `CREATE TABLE orders (
        id uuid PRIMARY KEY,
        customer_name text NOT NULL,
        items jsonb NOT NULL,
        total numeric(12, 2) NOT NULL,
        status text NOT NULL DEFAULT 'awaiting_payment',
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        ready_at timestamptz,
        payment_attempts integer NOT NULL DEFAULT 0);
      CREATE INDEX orders_awaiting_payment ON orders (created_at) WHERE status = 'awaiting_payment';`,
  },
  outboxMigration(3),
  {
    version: 4,
    name: 'brew_times',
    // Each coffee's brew time is on the menu (the seed hard-coded three); a new coffee takes 5 s.
    sql: `ALTER TABLE coffees ADD COLUMN brew_ms integer NOT NULL DEFAULT 5000 CHECK (brew_ms BETWEEN 0 AND 600000);
      UPDATE coffees SET brew_ms = CASE name WHEN 'espresso' THEN 3000 WHEN 'cappuccino' THEN 6000
        WHEN 'latte' THEN 8000 ELSE brew_ms END;`,
  },
  {
    version: 5,
    name: 'orders_list_and_idempotency',
    // seq orders the list (newest first, keyset pages); the key and a digest of the first payload
    // make POST /orders idempotent.
    sql: `ALTER TABLE orders ADD COLUMN seq bigserial;
      CREATE UNIQUE INDEX orders_seq ON orders (seq);
      ALTER TABLE orders ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint text;
      CREATE UNIQUE INDEX orders_idempotency_key ON orders (idempotency_key) WHERE idempotency_key IS NOT NULL;`,
  },
]
