// The catalogue of database migrations, one entry per system that owns a Postgres schema.
// `bakery migrate` applies them all; a system's service also applies its own at start-up.
// Add a system: one entry with its schema and a lazy import of its migration list.
import type { Config } from './config.ts'
import { type Database, type Migration, migrate } from './platform/db/index.ts'

export interface MigrationSet {
  readonly system: string
  /** The Postgres schema, which a system may make configurable. */
  schema(config: Config): string
  load(): Promise<readonly Migration[]>
}

export const migrationSets: readonly MigrationSet[] = [
  {
    system: 'bakery',
    schema: (config) => config.ordersSchema,
    load: async () => (await import('./bakery/orders/migrations.ts')).bakeryMigrations,
  },
  {
    system: 'albums',
    schema: () => 'albums',
    load: async () => (await import('./albums/store/migrations.ts')).albumMigrations,
  },
]

export interface MigrationReport {
  system: string
  schema: string
  applied: number[]
}

export async function migrateAll(
  db: Database,
  config: Config,
  sets: readonly MigrationSet[] = migrationSets,
): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  for (const set of sets) {
    const schema = set.schema(config)
    const applied = await migrate(db, schema, await set.load())
    reports.push({ system: set.system, schema, applied })
  }
  return reports
}
