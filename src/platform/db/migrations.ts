// A small forward-only migration runner: one `schema_migrations` table per schema, checksums so an
// edited migration is caught, and an advisory lock so replicas starting together apply each once.
// Migrations run with search_path set to their schema, so their SQL names tables unqualified.
import { createHash } from 'node:crypto'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { Database } from './port.ts'

export interface Migration {
  version: number
  name: string
  sql: string
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex')
}

export async function migrate(
  db: Database,
  schema: string,
  migrations: readonly Migration[],
): Promise<number[]> {
  if (!SCHEMA_NAME.test(schema))
    throw new BakeryError(ErrorCode.CONFIG_INVALID, `invalid schema name ${schema}`)
  const ordered = [...migrations].sort((a, b) => a.version - b.version)
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`bakery.migrate.${schema}`])
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema};
      CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now());
      SET LOCAL search_path TO ${schema}, public`)
    const { rows } = await tx.query<{ version: number; checksum: string }>(
      `SELECT version, checksum FROM ${schema}.schema_migrations`,
    )
    const applied = new Map(rows.map((r) => [Number(r.version), r.checksum]))
    const done: number[] = []
    for (const migration of ordered) {
      const sum = checksum(migration.sql)
      const previous = applied.get(migration.version)
      if (previous !== undefined) {
        if (previous !== sum) {
          throw new BakeryError(
            ErrorCode.DB_MIGRATION_CHECKSUM,
            `migration ${schema}/${migration.version} ${migration.name} was changed after it was applied`,
          )
        }
        continue
      }
      try {
        await tx.exec(migration.sql)
      } catch (error) {
        throw new BakeryError(
          ErrorCode.DB_MIGRATION_FAILED,
          `migration ${schema}/${migration.version} ${migration.name} failed`,
          { cause: error },
        )
      }
      await tx.query(
        `INSERT INTO ${schema}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
        [migration.version, migration.name, sum],
      )
      done.push(migration.version)
    }
    return done
  })
}
