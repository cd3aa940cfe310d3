// bakery load --target albums against the album store (PGlite and real PostgreSQL): every user walks
// the whole catalogue through the store's Link headers and starts over at the end.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { createAlbumRepository } from '../src/albums/store/repository.ts'
import { seedAlbums } from '../src/albums/store/test-data.ts'
import { startLoad } from '../src/load/index.ts'
import { albumAdapters, closeAlbumInfras, startStore } from './support/albums.ts'

after(closeAlbumInfras)

for (const adapter of albumAdapters) {
  describe(`bakery load albums on ${adapter.name}`, () => {
    test('bakery load walks every page of the album store and starts over at the end', async (t) => {
      const databaseUrl = await adapter.url(t)
      if (!databaseUrl) return
      const { url, db, schema } = await startStore(t, databaseUrl, {
        env: { BAKERY_ALBUM_RATE_LIMIT_MAX: '0' },
      })
      await seedAlbums(createAlbumRepository(db, schema), 200)
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.albums`)
      const total = Number(rows[0]?.n)
      const batch = 50
      // Bounded by pages, not by time: on a busy machine 1.5 s may not reach the last page. Once
      // the two walkers have sent more than two laps' pages, one of them has started over.
      const lap = Math.ceil(total / batch)
      const run = startLoad({
        url,
        target: 'albums',
        vus: 2,
        durationMs: 60_000,
        batch,
        progressIntervalMs: 100,
      })
      run.on('progress', (progress) => {
        if (progress.accepted > 2 * lap) run.stop()
      })
      const s = await run.done
      assert.deepEqual(s.errors, {})
      const w = s.walk
      assert.ok(w)
      assert.equal(w.walkers, 2)
      assert.equal(w.pages, s.accepted)
      // the last page of the catalogue is the one without a next link
      assert.equal(w.deepestPage, Math.ceil(total / batch))
      assert.ok(w.laps > 0, JSON.stringify(w))
      // full pages but the last of each lap: at least batch albums per page not ending a lap
      assert.ok(w.albums >= (w.pages - w.laps) * batch, JSON.stringify(w))
      assert.ok(w.albums <= w.pages * batch)
      assert.equal(s.ok, true)
    })
  })
}
