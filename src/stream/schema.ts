// The seed's tables (the seed: the original StreamProc demo, marcelbeumer/go-playground) in the
// stream schema, plus partition/offset columns for audits. With the TimescaleDB extension
// installed, events becomes a hypertable; without it, a plain table with a time index (the
// aggregator buckets with date_bin either way).
import type { Migration } from '../platform/db/index.ts'

export const streamMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events and state',
    sql: `CREATE TABLE state (name text PRIMARY KEY, value text NOT NULL);
CREATE TABLE events (
  time timestamptz NOT NULL,
  amount double precision NOT NULL,
  partition integer NOT NULL,
  "offset" bigint NOT NULL,
  -- when the row was written: stored_at - time is the pipeline's end-to-end lag
  stored_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    PERFORM create_hypertable('events', 'time');
  ELSE
    CREATE INDEX events_time_idx ON events (time);
  END IF;
END
$$;`,
  },
]
