// The plain baseline for album pages: Fastify + pg, one handler, no validation library, logging,
// metrics or tracing. Reads the album store's own table with the same keyset SQL.
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
  const query = request.query as { limit?: string }
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 100) || 100))
  const { rows } = await db.query({
    name: 'page',
    text: 'SELECT id::float8 AS id, title, artist, price FROM albums.albums ORDER BY id LIMIT $1',
    values: [limit],
  })
  return reply.send(rows)
})

const stop = async () => {
  await app.close()
  await db.end()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
await app.listen({ port: Number(values.port), host: '127.0.0.1' })
