// The album store's routes: the seed's endpoints plus PUT/DELETE with ETag/If-Match and cursor
// pagination with an RFC 8288 Link header. Bodies are checked by validate.ts (seed messages).
import { trace } from '@opentelemetry/api'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import type { HttpApp } from '../../platform/http/index.ts'
import { routeSchemas } from '../api/schemas.ts'
import {
  type AlbumData,
  encodeCursor,
  parseId,
  parseListQuery,
  validateAlbum,
  validateUpdate,
} from '../api/validate.ts'
import type { AlbumRepository, StoredAlbum } from './repository.ts'

const etagOf = (album: StoredAlbum) => `"v${album.version}"`
const body = ({ id, title, artist, price }: StoredAlbum) => ({ id, title, artist, price })

const notFound = (id: number | string) =>
  new BakeryError(ErrorCode.ALBUM_NOT_FOUND, `Album [${id}] not found`, { status: 404 })

/** undefined = no condition; null = a condition no version can meet (412 unless `*`). */
export function parseIfMatch(header: unknown): number | undefined | null {
  if (typeof header !== 'string' || header.trim() === '') return undefined
  if (header.trim() === '*') return undefined
  const match = /^\s*(?:W\/)?"v(\d{1,9})"/.exec(header)
  return match ? Number(match[1]) : null
}

function stale(id: number): BakeryError {
  return new BakeryError(
    ErrorCode.ALBUM_PRECONDITION_FAILED,
    `Album [${id}] has changed: If-Match is not its current ETag`,
    { status: 412 },
  )
}

function tagParameters(id: string): void {
  trace.getActiveSpan()?.setAttribute('album-store.request.parameters', `ID=${id}`)
}

/** The next page's address, relative so it also holds behind the proxy. */
function nextLink(query: Record<string, unknown>, cursor: string): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (key !== 'cursor' && typeof value === 'string') params.set(key, value)
  }
  params.set('cursor', cursor)
  return `</albums?${params.toString()}>; rel="next"`
}

export function registerStoreRoutes(app: HttpApp, repository: () => AlbumRepository): void {
  app.get('/status', { schema: routeSchemas.status }, async () => ({ status: 'OK' as const }))

  // The page holds exactly the documented fields (the repository's page columns), so plain
  // JSON.stringify writes what the response schema says; the schema-compiled serializer cost
  // twice as much per page.
  app.get(
    '/albums',
    { schema: routeSchemas.list, serializerCompiler: () => JSON.stringify },
    async (request, reply) => {
      const raw = request.query as Record<string, unknown>
      const query = parseListQuery(raw)
      // One row more than asked tells whether a next page exists without a COUNT. The rows are
      // the documented fields already (the repository's page columns), so they go out as they are.
      const page = await repository().list({ ...query, limit: query.limit + 1 })
      if (page.length > query.limit) {
        page.length = query.limit
        const last = page[query.limit - 1] as AlbumData
        reply.header('link', nextLink(raw, encodeCursor(last.id)))
      }
      return page
    },
  )

  app.get('/albums/:id', { schema: routeSchemas.get }, async (request, reply) => {
    const { id: raw } = request.params as { id: string }
    tagParameters(raw)
    const id = parseId(raw)
    const album = await repository().get(id)
    if (!album) throw notFound(id)
    return reply.header('etag', etagOf(album)).send(body(album))
  })

  app.post('/albums', { schema: routeSchemas.create }, async (request, reply) => {
    const album = validateAlbum(request.body)
    const created = await repository().create(album)
    if (!created) {
      throw new BakeryError(ErrorCode.ALBUM_CONFLICT, `Album [${album.id}] already exists`, { status: 409 })
    }
    return reply
      .code(201)
      .header('etag', etagOf(created))
      .header('location', `/albums/${created.id}`)
      .send(body(created))
  })

  app.put('/albums/:id', { schema: routeSchemas.update }, async (request, reply) => {
    const { id: raw } = request.params as { id: string }
    tagParameters(raw)
    const id = parseId(raw)
    const album = validateUpdate(request.body, id)
    const expected = parseIfMatch(request.headers['if-match'])
    if (expected === null) throw (await repository().get(id)) ? stale(id) : notFound(id)
    const result = await repository().update(album, expected)
    if (result === 'missing') throw notFound(id)
    if (result === 'stale') throw stale(id)
    return reply.header('etag', etagOf(result)).send(body(result))
  })

  app.delete('/albums/:id', { schema: routeSchemas.remove }, async (request, reply) => {
    const { id: raw } = request.params as { id: string }
    tagParameters(raw)
    const id = parseId(raw)
    const expected = parseIfMatch(request.headers['if-match'])
    if (expected === null) throw (await repository().get(id)) ? stale(id) : notFound(id)
    const result = await repository().remove(id, expected)
    if (result === 'missing') throw notFound(id)
    if (result === 'stale') throw stale(id)
    return reply.code(204).send(null)
  })
}
