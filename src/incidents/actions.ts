// Changes an incident makes to a system and undoes at the end. A dropped index is a latent bug
// (the query plan turns into a table scan), not a fault the engine injects per call.
import { ALBUM_SCHEMA, albumMigrations } from '../albums/store/migrations.ts'
import { createAlbumRepository } from '../albums/store/repository.ts'
import { seedAlbums } from '../albums/store/test-data.ts'
import { type Database, migrate } from '../platform/db/index.ts'
import type { ActionKind } from './model.ts'

export interface IncidentAction {
  /** Before the clock starts (e.g. enough rows for a plan to matter). */
  prepare(): Promise<void>
  apply(): Promise<void>
  undo(): Promise<void>
}

/**
 * Enough albums that a scan is measurably slower than an index lookup: tens of ms on either engine.
 * PostgreSQL scans 60,000 rows in 3-5 ms, under the incident's threshold without the process's own
 * overhead on top; 400,000 take it 40 ms (a parallel scan). PGlite is an order of magnitude slower
 * per row, but 60,000 rows still scan in 4-5 ms alone once a page needs no sort (the query orders
 * by the indexed id): 150,000 take it over 10 ms, so the listings pass the 15 ms threshold under
 * the incident's load.
 */
export const SLOW_PLAN_ALBUMS = { pglite: 150_000, postgres: 400_000 } as const

function dropArtistIndex(database: () => Promise<Database>): IncidentAction {
  const table = `${ALBUM_SCHEMA}.albums`
  return {
    async prepare() {
      const db = await database()
      await migrate(db, ALBUM_SCHEMA, albumMigrations)
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM ${table}`)
      const missing = SLOW_PLAN_ALBUMS[db.engine] - Number(rows[0]?.n ?? 0)
      if (missing > 0) await seedAlbums(createAlbumRepository(db, ALBUM_SCHEMA), missing, 5000)
      await db.query(`ANALYZE ${table}`)
    },
    async apply() {
      await (await database()).query(`DROP INDEX IF EXISTS ${ALBUM_SCHEMA}.albums_artist_id`)
    },
    async undo() {
      await (await database()).query(`CREATE INDEX IF NOT EXISTS albums_artist_id ON ${table} (artist, id)`)
    },
  }
}

export function createAction(kind: ActionKind, deps: { database: () => Promise<Database> }): IncidentAction {
  switch (kind) {
    case 'drop-album-artist-index':
      return dropArtistIndex(deps.database)
  }
}
