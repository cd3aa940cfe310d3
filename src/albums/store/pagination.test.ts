// Cursor pagination at scale: 100k albums from the test data builder, walked page by page while
// other clients insert, must yield every pre-existing album exactly once and no duplicates.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { albumAdapters, closeAlbumInfras, startStore } from '../../../test/support/albums.ts'
import { validateUpdate } from '../api/validate.ts'
import { createAlbumRepository, pageStatement } from './repository.ts'
import { buildAlbum, seedAlbums } from './test-data.ts'

after(closeAlbumInfras)

const COUNT = 100_000

test('album test data builder makes deterministic albums the API would accept', () => {
  assert.deepEqual(buildAlbum(42, 7), buildAlbum(42, 7))
  assert.notDeepEqual(
    buildAlbum(43, 8).title + buildAlbum(43, 8).artist,
    buildAlbum(42, 7).title + buildAlbum(42, 7).artist,
  )
  for (let n = 0; n < 500; n++) {
    const album = buildAlbum(n + 1, n)
    assert.deepEqual(validateUpdate(album, album.id), album)
  }
})

for (const adapter of albumAdapters) {
  describe(`album pagination on ${adapter.name}`, () => {
    test('album pagination walks 100k albums exactly once under concurrent inserts', async (t) => {
      const url = await adapter.url(t)
      if (!url) return
      const { url: base, db, schema } = await startStore(t, url)
      const repository = createAlbumRepository(db, schema)
      const seeded = await seedAlbums(repository, COUNT, 5000)
      assert.equal(seeded.inserted, COUNT)
      assert.equal(seeded.lastId, COUNT + 3)
      // Gaps let concurrent inserts land both behind and ahead of the cursor.
      await db.query(`DELETE FROM ${schema}.albums WHERE id % 7 = 0`)
      const { rows } = await db.query<{ id: number }>(`SELECT id::float8 AS id FROM ${schema}.albums`)
      const original = new Set(rows.map((r) => Number(r.id)))

      const seen = new Map<number, number>()
      let next: string | undefined = '/albums?limit=1000'
      let pages = 0
      let inserted = 0
      while (next && pages < 1000) {
        const response: Response = await fetch(base + next)
        assert.equal(response.status, 200)
        const page = (await response.json()) as { id: number }[]
        let previous = -Infinity
        for (const { id } of page) {
          assert.ok(id > previous, 'ids ascend within a page')
          previous = id
          seen.set(id, (seen.get(id) ?? 0) + 1)
        }
        next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1]
        pages++
        // Concurrent writers: through the API (ids in the seed range) and in bulk (anywhere).
        const gapId = 7 * ((pages * 13) % 1400) + 7
        const post = fetch(`${base}/albums`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id: gapId,
            title: 'Late Arrival',
            artist: 'Concurrent Writer',
            price: 9.99,
          }),
        }).then((r) => r.status)
        const bulk = repository.insertMany([
          buildAlbum(7 * ((pages * 1013) % 14000) + 7, pages),
          buildAlbum(COUNT + 1000 + pages, pages),
        ])
        const [status, count] = await Promise.all([post, bulk])
        assert.ok(status === 201 || status === 409)
        inserted += count + (status === 201 ? 1 : 0)
      }
      assert.equal(next, undefined, 'the walk ended')
      assert.ok(inserted > 0)
      const duplicates = [...seen].filter(([, n]) => n > 1)
      assert.deepEqual(duplicates, [])
      const missing = [...original].filter((id) => !seen.has(id))
      assert.deepEqual(missing, [])
      assert.ok(seen.size >= original.size)

      // Each page walks an index from the cursor on; it never sorts the rest of the table.
      await db.query(`ANALYZE ${schema}.albums`)
      const cursor = { limit: 50, after: COUNT / 2, minPrice: undefined, maxPrice: undefined }
      for (const query of [
        { ...cursor, artist: undefined },
        { ...cursor, artist: buildAlbum(1, 1).artist },
      ]) {
        const page = pageStatement(`${schema}.albums`, query)
        const { rows: plan } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${page.sql}`, page.params)
        const text = plan.map((row) => row['QUERY PLAN']).join('\n')
        assert.doesNotMatch(text, /Sort/, text)
        assert.match(text, /Index/, text)
      }
    })
  })
}
