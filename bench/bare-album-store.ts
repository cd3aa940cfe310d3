// The plain baseline for album pages: Fastify + pg, one handler, no validation library, logging,
// metrics or tracing. Reads the album store's own table with the same keyset SQL and, like the
// store, names the next page in a Link header (a bare numeric cursor), so `bakery load --target
// albums` walks both catalogues the same way.
//   node bench/bare-album-store.ts --port 9180 --database-url postgres://…/db [--pool 20]
import { parseArgs } from 'node:util'
import Fastify from 'fastify'
import pg from 'pg'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9180' },
    'database-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    pool: { type: 'string', default: '20' },
  },
})
const db = new pg.Pool({ connectionString: values['database-url'], max: Number(values.pool) })
const app = Fastify({ logger: false })

app.get('/', async () => ({ status: 'OK' }))
app.get('/albums', async (request, reply) => {
  const query = request.query as { limit?: string; cursor?: string }
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 100) || 100))
  const after = Number(query.cursor ?? 0) || 0
  // One row more than asked tells whether a next page exists, as the store does.
  // Ordered by the table's id, as the store's is: a bare `id` names the float8 output, which no
  // index holds (PostgreSQL would sort the rest of the table for every page).
  const { rows } = await db.query<{ id: number }>({
    name: 'page',
    text: 'SELECT id::float8 AS id, title, artist, price FROM albums.albums WHERE id > $1 ORDER BY albums.albums.id LIMIT $2',
    values: [after, limit + 1],
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  if (rows.length > limit && last)
    reply.header('link', `</albums?limit=${limit}&cursor=${last.id}>; rel="next"`)
  return reply.send(page)
})

const stop = async () => {
  await app.close()
  await db.end()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
await app.listen({ port: Number(values.port), host: '127.0.0.1' })
