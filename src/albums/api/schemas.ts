// The album API's schemas: one source of truth for the OpenAPI document (both services register
// routes with them) and for the hand-written validator, which reads its limits from here so the
// seed's messages (the seed: the original mcarr-and/go-gin-marshalling demo) and the documented
// schema cannot drift apart (a property test checks both agree).
import { Type } from 'typebox'

/** The seed's limits (mcarr-and/go-gin-marshalling). Price 0 counts as absent, so it must be > 0. */
export const LIMITS = {
  id: { min: 1, max: 10000 },
  text: { min: 2, max: 1000 },
  price: { min: 0, max: 10000 },
  page: { defaultLimit: 100, maxLimit: 1000 },
} as const

export const FIELDS = ['id', 'title', 'artist', 'price'] as const

const title = Type.String({ minLength: LIMITS.text.min, maxLength: LIMITS.text.max })
const price = Type.Number({ exclusiveMinimum: LIMITS.price.min, maximum: LIMITS.price.max })

export const Album = Type.Object(
  {
    id: Type.Integer({ minimum: LIMITS.id.min, maximum: LIMITS.id.max }),
    title,
    artist: title,
    price,
  },
  { $id: 'Album', title: 'Album' },
)

/** PUT: the id comes from the path; a body id, when given, must be the same. */
export const AlbumUpdate = Type.Object(
  { id: Type.Optional(Type.Integer()), title, artist: title, price },
  { $id: 'AlbumUpdate', title: 'AlbumUpdate' },
)

/** Stored albums may carry ids beyond the API's creation range (bulk test data), so no max here. */
export const StoredAlbum = Type.Object(
  { id: Type.Integer({ minimum: 1 }), title: Type.String(), artist: Type.String(), price: Type.Number() },
  { $id: 'StoredAlbum', title: 'StoredAlbum' },
)

export const FieldProblem = Type.Object({ field: Type.String(), message: Type.String() })

/** The seed's error body: `errors` lists field problems (or is null), `message` says the rest. */
export const ErrorBody = Type.Object(
  { errors: Type.Union([Type.Array(FieldProblem), Type.Null()]), message: Type.String() },
  { $id: 'ErrorBody', title: 'ErrorBody' },
)

export const IdParams = Type.Object({
  id: Type.String({ description: 'Album id, an integer' }),
})

export const ListQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: LIMITS.page.maxLimit, default: LIMITS.page.defaultLimit }),
  ),
  cursor: Type.Optional(Type.String({ description: 'Opaque; copy it from the Link rel="next" header' })),
  artist: Type.Optional(Type.String({ description: 'Exact artist name' })),
  minPrice: Type.Optional(Type.Number({ minimum: 0 })),
  maxPrice: Type.Optional(Type.Number({ minimum: 0 })),
})

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag from a GET; 412 when the album changed' })),
})

const error = (description: string) => ({ ...Type.Ref('ErrorBody'), description })
const etag = { headers: { etag: { type: 'string', description: 'Version of the album, for If-Match' } } }
const link = {
  headers: { link: { type: 'string', description: 'RFC 8288 `<…>; rel="next"` while more pages exist' } },
}

/** Statuses any album route may answer besides its own (limits, load shedding, body size). */
const common = {
  413: error('Body larger than BAKERY_BODY_LIMIT_BYTES'),
  415: error('Body is not JSON'),
  429: error('Rate limited; see Retry-After'),
  500: error('Server fault (details only in the log)'),
  502: error('Proxy: the store failed or could not be reached'),
  503: error('Overloaded (store) or breaker open (proxy); see Retry-After'),
  504: error('Proxy: the store did not answer in time'),
}

export const routeSchemas = {
  list: {
    operationId: 'listAlbums',
    summary: 'A page of albums in id order, as a JSON array; Link rel="next" points to the next page',
    querystring: ListQuery,
    response: {
      200: { ...Type.Array(Type.Ref('StoredAlbum')), ...link, description: 'Albums' },
      400: error('Bad limit, cursor or filter'),
      ...common,
    },
  },
  get: {
    operationId: 'getAlbum',
    summary: 'One album; the ETag header is its version',
    params: IdParams,
    response: {
      200: { ...Type.Ref('StoredAlbum'), ...etag, description: 'The album' },
      400: error('The id is not an integer'),
      404: error('No album with that id'),
      ...common,
    },
  },
  create: {
    operationId: 'createAlbum',
    summary: 'Create an album (the seed limits apply)',
    body: Album,
    response: {
      201: { ...Type.Ref('StoredAlbum'), ...etag, description: 'Created' },
      400: error('Malformed JSON or invalid fields'),
      409: error('An album with this id exists'),
      ...common,
    },
  },
  update: {
    operationId: 'updateAlbum',
    summary: 'Replace an album; send If-Match with its ETag to avoid lost updates',
    params: IdParams,
    headers: IfMatchHeaders,
    body: AlbumUpdate,
    response: {
      200: { ...Type.Ref('StoredAlbum'), ...etag, description: 'Updated' },
      400: error('Malformed JSON, invalid fields or a body id unlike the path'),
      404: error('No album with that id'),
      412: error('If-Match does not match the current ETag'),
      ...common,
    },
  },
  remove: {
    operationId: 'deleteAlbum',
    summary: 'Delete an album; If-Match guards against deleting a changed album',
    params: IdParams,
    headers: IfMatchHeaders,
    response: {
      204: { type: 'null', description: 'Deleted' },
      400: error('The id is not an integer'),
      404: error('No album with that id'),
      412: error('If-Match does not match the current ETag'),
      ...common,
    },
  },
  status: {
    operationId: 'status',
    summary: "The seed's status probe",
    response: { 200: Type.Object({ status: Type.Literal('OK') }) },
  },
} as const

export const sharedSchemas = [StoredAlbum, ErrorBody] as const
