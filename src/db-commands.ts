// `bakery migrate` and `bakery seed-albums`: one-shot database commands against DATABASE_URL.
// With the default memory:// database they work on a throw-away PGlite (useful only as a check).

import { parseArgs } from 'node:util'
import type { Config } from './config.ts'
import { migrateAll } from './migrations.ts'
import { openDatabase } from './platform/db/index.ts'
import { BakeryError, ErrorCode } from './platform/errors.ts'
import type { Logger } from './platform/log/index.ts'

export async function runMigrate(config: Config, log: Logger, write: (line: string) => void): Promise<void> {
  const db = await openDatabase(config.databaseUrl, { poolSize: 2, log })
  try {
    for (const report of await migrateAll(db, config)) {
      const applied = report.applied.length > 0 ? `applied ${report.applied.join(', ')}` : 'up to date'
      write(`${report.system} (schema ${report.schema}): ${applied}`)
    }
  } finally {
    await db.close()
  }
}

export async function runSeedAlbums(
  args: string[],
  config: Config,
  log: Logger,
  write: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { count: { type: 'string' }, batch: { type: 'string', default: '5000' } },
  })
  const count = Number(values.count)
  const batch = Number(values.batch)
  if (!Number.isInteger(count) || count < 1 || count > 10_000_000) {
    throw new BakeryError(ErrorCode.CLI_USAGE, '--count must be an integer from 1 to 10000000')
  }
  if (!Number.isInteger(batch) || batch < 1 || batch > 50_000) {
    throw new BakeryError(ErrorCode.CLI_USAGE, '--batch must be an integer from 1 to 50000')
  }
  const { ALBUM_SCHEMA, albumMigrations } = await import('./albums/store/migrations.ts')
  const { createAlbumRepository } = await import('./albums/store/repository.ts')
  const { seedAlbums } = await import('./albums/store/test-data.ts')
  const { migrate } = await import('./platform/db/index.ts')
  const db = await openDatabase(config.databaseUrl, { poolSize: 2, log })
  try {
    await migrate(db, ALBUM_SCHEMA, albumMigrations)
    const started = performance.now()
    const result = await seedAlbums(createAlbumRepository(db, ALBUM_SCHEMA), count, batch)
    const seconds = (performance.now() - started) / 1000
    write(
      `seeded ${result.inserted} albums (ids ${result.firstId}–${result.lastId}) in ${seconds.toFixed(2)} s`,
    )
  } finally {
    await db.close()
  }
}
