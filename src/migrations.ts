// The catalogue of database migrations, one entry per system that owns a Postgres schema.
// `bakery migrate` applies them all; a system's service also applies its own at start-up.
// Add a system: one entry with a lazy import of its schema name and migration list.
import type { Config } from './config.ts'
import { type Database, type Migration, migrate } from './platform/db/index.ts'

export interface MigrationSet {
  readonly system: string
  /** The Postgres schema (which a system may make configurable) and its migrations. */
  load(config: Config): Promise<{ schema: string; migrations: readonly Migration[] }>
}

export const migrationSets: readonly MigrationSet[] = [
  {
    system: 'bakery',
    load: async (config) => ({
      schema: config.ordersSchema,
      migrations: (await import('./bakery/orders/migrations.ts')).bakeryMigrations,
    }),
  },
  {
    system: 'coffee',
    load: async () => {
      const { COFFEE_SCHEMA, coffeeMigrations } = await import('./coffee/reception/migrations.ts')
      return { schema: COFFEE_SCHEMA, migrations: coffeeMigrations }
    },
  },
  {
    system: 'barista',
    load: async () => {
      const { BARISTA_SCHEMA, baristaMigrations } = await import('./coffee/barista/migrations.ts')
      return { schema: BARISTA_SCHEMA, migrations: baristaMigrations }
    },
  },
  {
    system: 'payments',
    load: async () => {
      const { PAYMENTS_SCHEMA, paymentsMigrations } = await import('./coffee/payments/migrations.ts')
      return { schema: PAYMENTS_SCHEMA, migrations: paymentsMigrations }
    },
  },
  {
    system: 'stream',
    load: async (config) => ({
      schema: config.streamSchema,
      migrations: (await import('./stream/schema.ts')).streamMigrations,
    }),
  },
  {
    system: 'albums',
    load: async () => {
      const { ALBUM_SCHEMA, albumMigrations } = await import('./albums/store/migrations.ts')
      return { schema: ALBUM_SCHEMA, migrations: albumMigrations }
    },
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
    const { schema, migrations } = await set.load(config)
    const applied = await migrate(db, schema, migrations)
    reports.push({ system: set.system, schema, applied })
  }
  return reports
}
