// The album store's and proxy's settings.
import { type ConfigOf, integer, optionalUrl, port } from '../platform/config/fields.ts'
import type { ServiceDeps } from '../platform/service-kit.ts'

export const albumsPorts = {
  albumStorePort: port('BAKERY_ALBUM_STORE_PORT', 9080, 'Album store'),
  albumProxyPort: port('BAKERY_ALBUM_PROXY_PORT', 9070, 'Album proxy'),
} as const

export const albumsSettings = {
  albumStoreUrl: optionalUrl('ALBUM_STORE_URL', ['http:', 'https:'], {
    doc: 'Album store the proxy calls (seed name); unset = http://127.0.0.1:<BAKERY_ALBUM_STORE_PORT>',
  }),
  albumProxyTimeoutMs: integer('BAKERY_ALBUM_PROXY_TIMEOUT_MS', 2000, {
    min: 10,
    max: 120000,
    doc: 'Album proxy: time limit of one call to the store (504 after it)',
  }),
  albumProxyRetries: integer('BAKERY_ALBUM_PROXY_RETRIES', 2, {
    min: 0,
    max: 10,
    doc: 'Album proxy: retries of a failed idempotent GET',
  }),
  albumProxyBreakerFailures: integer('BAKERY_ALBUM_PROXY_BREAKER_FAILURES', 5, {
    min: 1,
    max: 1000,
    doc: 'Album proxy: consecutive store failures that open the circuit breaker',
  }),
  albumProxyBreakerHalfOpenMs: integer('BAKERY_ALBUM_PROXY_BREAKER_HALF_OPEN_MS', 5000, {
    min: 10,
    max: 600000,
    doc: 'Album proxy: how long the open breaker answers 503 before letting one call through',
  }),
  albumRateLimitMax: integer('BAKERY_ALBUM_RATE_LIMIT_MAX', 10000, {
    min: 0,
    max: 10000000,
    doc: 'Album store: requests per client address per window (429 above; 0 = off)',
  }),
  albumRateLimitWindowMs: integer('BAKERY_ALBUM_RATE_LIMIT_WINDOW_MS', 1000, {
    min: 10,
    max: 3600000,
    doc: 'Album store: rate limit window',
  }),
  albumMaxEventLoopDelayMs: integer('BAKERY_ALBUM_MAX_EVENT_LOOP_DELAY_MS', 1000, {
    min: 0,
    max: 600000,
    doc: 'Album store: event loop delay above which it sheds load with 503 (0 = off)',
  }),
} as const

export const albumsSchema = { ...albumsPorts, ...albumsSettings } as const

export type AlbumsConfig = ConfigOf<typeof albumsSchema>
/** What a albums service receives: the platform's settings and the albums's own. */
export type AlbumsDeps = ServiceDeps<AlbumsConfig>
