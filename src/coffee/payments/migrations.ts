import type { Migration } from '../../platform/db/index.ts'

export const PAYMENTS_SCHEMA = 'payments'

export const paymentsMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'authorisations',
    sql: `CREATE TABLE authorisations (
      id uuid PRIMARY KEY,
      order_id uuid NOT NULL UNIQUE,
      amount numeric(12, 2) NOT NULL CHECK (amount > 0),
      currency char(3) NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
]
