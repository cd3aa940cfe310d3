// Album rows in PostgreSQL (PGlite embedded). SQL is parameterised and schema-qualified, so the
// traced db spans carry statements without literal values.
import type { Queryable } from '../../platform/db/index.ts'
import type { AlbumData, ListQuery } from '../api/validate.ts'

export interface StoredAlbum extends AlbumData {
  version: number
}

export interface AlbumRepository {
  /** A page as the API returns it (no version): rows go out as PostgreSQL returned them. */
  list(query: ListQuery): Promise<AlbumData[]>
  get(id: number): Promise<StoredAlbum | undefined>
  /** undefined when the id exists. */
  create(album: AlbumData): Promise<StoredAlbum | undefined>
  /** 'missing' when no such album, 'stale' when `expectedVersion` is not the current one. */
  update(album: AlbumData, expectedVersion?: number): Promise<StoredAlbum | 'missing' | 'stale'>
  remove(id: number, expectedVersion?: number): Promise<'deleted' | 'missing' | 'stale'>
  insertMany(albums: readonly AlbumData[]): Promise<number>
  maxId(): Promise<number>
}

const COLUMNS = 'id::float8 AS id, title, artist, price, version'
// A page needs no version, and its rows need no copy: id is cast to float8 and price is double
// precision, so both arrive as numbers and each row already is the API's album, fields in order.
const PAGE_COLUMNS = 'id::float8 AS id, title, artist, price'

interface Row {
  id: number
  title: string
  artist: string
  price: number
  version: number
}

const toAlbum = (row: Row): StoredAlbum => ({
  id: Number(row.id),
  title: row.title,
  artist: row.artist,
  price: Number(row.price),
  version: Number(row.version),
})

/** Which of the optional filters a page query uses, as bits: one statement text per value. */
const filterMask = (query: ListQuery): number =>
  (query.after === undefined ? 0 : 1) |
  (query.artist === undefined ? 0 : 2) |
  (query.minPrice === undefined ? 0 : 4) |
  (query.maxPrice === undefined ? 0 : 8)

/**
 * One page of the catalogue: keyset pagination ("id > last seen id" never repeats or skips a row
 * that existed when the walk began, whatever is inserted meanwhile; OFFSET would shift under
 * inserts). A named statement per filter combination: PostgreSQL parses and plans a page query once
 * per connection instead of on every page (the walk through the catalogue is the hot path).
 */
export function pageStatement(
  table: string,
  query: ListQuery,
): { sql: string; params: unknown[]; name: string } {
  const where: string[] = []
  const params: unknown[] = []
  const add = (clause: string, value: unknown) => {
    params.push(value)
    where.push(clause.replace('?', `$${params.length}`))
  }
  if (query.after !== undefined) add('id > ?', query.after)
  if (query.artist !== undefined) add('artist = ?', query.artist)
  if (query.minPrice !== undefined) add('price >= ?', query.minPrice)
  if (query.maxPrice !== undefined) add('price <= ?', query.maxPrice)
  params.push(query.limit)
  // The order names the table's column: a bare `id` would be the output's `id::float8`, which no
  // index holds, so PostgreSQL would sort every row past the cursor instead of walking the primary
  // key (or the (artist, id) index) for one page.
  const filter = where.length ? ` WHERE ${where.join(' AND ')}` : ''
  return {
    sql: `SELECT ${PAGE_COLUMNS} FROM ${table}${filter} ORDER BY ${table}.id LIMIT $${params.length}`,
    params,
    name: `${table}.page.${filterMask(query)}`,
  }
}

export function createAlbumRepository(db: Queryable, schema: string): AlbumRepository {
  const table = `${schema}.albums`

  async function current(id: number): Promise<StoredAlbum | undefined> {
    const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ${table} WHERE id = $1`, [id])
    return rows[0] && toAlbum(rows[0])
  }

  return {
    async list(query) {
      const page = pageStatement(table, query)
      const { rows } = await db.query<AlbumData>(page.sql, page.params, { name: page.name })
      return rows
    },
    get: current,
    async create(album) {
      const { rows } = await db.query<Row>(
        `INSERT INTO ${table} (id, title, artist, price) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING RETURNING ${COLUMNS}`,
        [album.id, album.title, album.artist, album.price],
      )
      return rows[0] && toAlbum(rows[0])
    },
    async update(album, expectedVersion) {
      const { rows } = await db.query<Row>(
        `UPDATE ${table} SET title = $2, artist = $3, price = $4, version = version + 1, updated_at = now()
         WHERE id = $1 AND ($5::integer IS NULL OR version = $5) RETURNING ${COLUMNS}`,
        [album.id, album.title, album.artist, album.price, expectedVersion ?? null],
      )
      if (rows[0]) return toAlbum(rows[0])
      return (await current(album.id)) ? 'stale' : 'missing'
    },
    async remove(id, expectedVersion) {
      const { rowCount } = await db.query(
        `DELETE FROM ${table} WHERE id = $1 AND ($2::integer IS NULL OR version = $2)`,
        [id, expectedVersion ?? null],
      )
      if (rowCount > 0) return 'deleted'
      return (await current(id)) ? 'stale' : 'missing'
    },
    async insertMany(albums) {
      if (albums.length === 0) return 0
      // One statement per batch: arrays unnested server-side, so 5,000 rows cost one round trip.
      const { rowCount } = await db.query(
        `INSERT INTO ${table} (id, title, artist, price)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[])
         ON CONFLICT (id) DO NOTHING`,
        [
          albums.map((a) => a.id),
          albums.map((a) => a.title),
          albums.map((a) => a.artist),
          albums.map((a) => a.price),
        ],
      )
      return rowCount
    },
    async maxId() {
      const { rows } = await db.query<{ max: number | null }>(`SELECT max(id)::float8 AS max FROM ${table}`)
      return Number(rows[0]?.max ?? 0)
    },
  }
}
