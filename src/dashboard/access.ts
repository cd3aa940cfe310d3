// Who may drive the dashboard. The browser logs in once through the link printed at start
// (`/login?t=<token>`, as Jupyter and the Aspire dashboard do) and keeps an HttpOnly SameSite=Strict
// cookie; the CLI sends `Authorization: Bearer <token>`. Every state-changing request needs one of
// them, cookie writes must come from the dashboard's own origin, and a Host allow-list stops a web
// page from reaching the dashboard through DNS rebinding.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { HttpApp } from '../platform/http/index.ts'

export const SESSION_COOKIE = 'bakery_session'

export interface DashboardAccessOptions {
  token: string
  /** Host names answered (`*.example.com` wildcards, `*` = any). */
  allowedHosts: readonly string[]
  /** Whether reads of the API need a login too (containers), or only writes (loopback). */
  readsNeedLogin: boolean
}

/** Paths outside the browser's reach: probes, scrapes and OTLP ingest from other processes. */
const MACHINE_PATHS = /^\/(healthz|readyz|metrics|-\/liveness|-\/readiness|v1\/(traces|metrics|logs))(\?|$)/
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const sha256 = (value: string) => createHash('sha256').update(value).digest()

export function registerDashboardAccess(app: HttpApp, options: DashboardAccessOptions): void {
  const tokenDigest = sha256(options.token)
  // The cookie holds a value derived from the token, so the token itself never sits in the jar.
  const session = sha256(`bakery-dashboard-session\0${options.token}`).toString('base64url')
  const sessionDigest = sha256(session)
  const hostAllowed = hostMatcher(options.allowedHosts)

  const bearer = (request: FastifyRequest) => {
    const header = request.headers.authorization
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false
    return timingSafeEqual(sha256(header.slice(7)), tokenDigest)
  }
  const cookie = (request: FastifyRequest) => {
    const value = readCookie(request.headers.cookie, SESSION_COOKIE)
    return value !== undefined && timingSafeEqual(sha256(value), sessionDigest)
  }

  app.addHook('onRequest', async (request, reply) => {
    if (MACHINE_PATHS.test(request.url)) return
    const host = hostName(request.headers.host)
    if (host === undefined || !hostAllowed(host)) {
      throw new BakeryError(
        ErrorCode.HTTP_MISDIRECTED,
        `host ${JSON.stringify(host ?? '')} is not served here; allowed: ${options.allowedHosts.join(', ')} (BAKERY_DASHBOARD_ALLOWED_HOSTS)`,
        { status: 421 },
      )
    }
    if (request.url.startsWith('/login')) return
    const write = WRITE_METHODS.has(request.method)
    const isApi = request.url.startsWith('/api/')
    const needsLogin = write || (isApi && (options.readsNeedLogin || isAdminProxyPath(request.url)))
    if (!needsLogin) return
    if (bearer(request)) return
    if (cookie(request)) {
      if (write) checkOrigin(request)
      return
    }
    reply.header('www-authenticate', 'Bearer realm="bakery-dashboard"')
    throw new BakeryError(
      ErrorCode.HTTP_UNAUTHORIZED,
      'log in through the link the dashboard printed at start (/login?t=<token>), or send Authorization: Bearer <BAKERY_ADMIN_TOKEN>',
      { status: 401 },
    )
  })

  app.get('/login', async (request, reply) => loginRoute(request, reply, tokenDigest, session))
  app.post('/logout', async (_request, reply) => {
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
    return { loggedIn: false }
  })
  app.get('/api/session', async (request) => ({ loggedIn: bearer(request) || cookie(request) }))
}

function loginRoute(request: FastifyRequest, reply: FastifyReply, tokenDigest: Buffer, session: string) {
  const { t } = request.query as { t?: unknown }
  if (typeof t !== 'string' || !timingSafeEqual(sha256(t), tokenDigest)) {
    return reply
      .code(401)
      .type('text/plain; charset=utf-8')
      .send('This login link is not valid. Use the link the dashboard printed at start.\n')
  }
  const secure = request.protocol === 'https' ? '; Secure' : ''
  reply.header('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict${secure}`)
  // The token leaves the address bar at once; the cookie carries the session from here on.
  reply.header('cache-control', 'no-store')
  reply.header('referrer-policy', 'no-referrer')
  return reply.redirect('/', 303)
}

/** `/api/svc/<name>/admin/…`: a service's admin API, reached through the panel proxy. */
export function isAdminProxyPath(url: string): boolean {
  return /^\/api\/svc\/[^/]+\/+admin(\/|$)/i.test(normalisedPath(url))
}

/** The path as the service behind will route it: dot segments resolved, percent-decoded. */
export function normalisedPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url, 'http://dashboard.invalid').pathname)
  } catch {
    return url
  }
}

/** A browser write carrying the cookie must come from a page this dashboard served. */
function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin
  const site = request.headers['sec-fetch-site']
  const sameOrigin =
    typeof origin === 'string' ? originHost(origin) === request.headers.host : site === 'same-origin'
  if (!sameOrigin) {
    throw new BakeryError(
      ErrorCode.HTTP_FORBIDDEN,
      `origin ${JSON.stringify(origin ?? site ?? '')} may not change this dashboard; writes come from its own pages`,
      { status: 403 },
    )
  }
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host
  } catch {
    return undefined
  }
}

/** The host name of a Host header, without port, lower-cased; undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (typeof header !== 'string' || header === '' || header.length > 255) return undefined
  try {
    const url = new URL(`http://${header}`)
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined
    return url.hostname.toLowerCase()
  } catch {
    return undefined
  }
}

export function hostMatcher(patterns: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>()
  const suffixes: string[] = []
  let any = false
  for (const raw of patterns) {
    const pattern = raw.trim().toLowerCase()
    if (pattern === '*') any = true
    else if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1))
    else if (pattern !== '') exact.add(pattern)
  }
  return (host) => any || exact.has(host) || suffixes.some((suffix) => host.endsWith(suffix))
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string') return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
