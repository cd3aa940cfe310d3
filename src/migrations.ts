// The catalogue of database migrations, one entry per system that owns a Postgres schema.
// `bakery migrate` applies them all; a system's service also applies its own at start-up.
// Add a system: one entry with its schema and a lazy import of its migration list.
import { type Database, type Migration, migrate } from './platform/db/index.ts'

export interface MigrationSet {
  readonly system: string
  readonly schema: string
  load(): Promise<readonly Migration[]>
}

export const migrationSets: readonly MigrationSet[] = [
  {
    system: 'albums',
    schema: 'albums',
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
  sets: readonly MigrationSet[] = migrationSets,
): Promise<MigrationReport[]> {
  const reports: MigrationReport[] = []
  for (const set of sets) {
    const applied = await migrate(db, set.schema, await set.load())
    reports.push({ system: set.system, schema: set.schema, applied })
  }
  return reports
}
