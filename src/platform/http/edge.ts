// What every HTTP service does at its edge before a route sees a request: trust (or not) the
// proxy in front, cap writes per client, and drop connections that send their body too slowly.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { PlatformConfig } from '../config/index.ts'
import { BakeryError, ErrorCode } from '../errors.ts'

export interface HttpEdge {
  /** Fastify's trustProxy: false, true, a hop count, or the proxies' addresses/CIDRs. */
  trustProxy: boolean | number | string[]
  /** Writes (POST/PUT/PATCH/DELETE) one client may send per second; 0 = no limit. */
  writesPerSecond: number
}

export function httpEdge(config: Pick<PlatformConfig, 'trustProxy' | 'rateLimitWrites'>): HttpEdge {
  return { trustProxy: parseTrustProxy(config.trustProxy), writesPerSecond: config.rateLimitWrites }
}

export function parseTrustProxy(raw: string): HttpEdge['trustProxy'] {
  const value = raw.trim()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  if (/^\d+$/.test(value)) return Number(value)
  return value.split(',').map((part) => part.trim())
}

/** A slow-body client is dropped within this time (the header part within HEADERS_TIMEOUT_MS). */
export const REQUEST_TIMEOUT_MS = 15_000
export const HEADERS_TIMEOUT_MS = 10_000
/** How often Node checks those timeouts; the drop happens at most this much after them. */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
// Admin calls carry a token and OTLP ingest comes from the process's own collectors.
const EXEMPT = /^\/(admin|v1)\//
/** Distinct clients counted per window; beyond it, new clients share one counter. */
const MAX_CLIENTS = 50_000

/**
 * A fixed one-second window per client address: two maps swapped each window keep the memory at
 * the clients of one second, bounded by MAX_CLIENTS.
 */
export function writeRateLimiter(writesPerSecond: number) {
  let window = 0
  let counts = new Map<string, number>()
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!WRITES.has(request.method) || EXEMPT.test(request.url)) return
    const now = Math.floor(Date.now() / 1000)
    if (now !== window) {
      window = now
      counts = new Map()
    }
    const key = counts.size < MAX_CLIENTS || counts.has(request.ip) ? request.ip : 'overflow'
    const count = (counts.get(key) ?? 0) + 1
    counts.set(key, count)
    if (count > writesPerSecond) {
      reply.header('retry-after', '1')
      throw new BakeryError(
        ErrorCode.HTTP_RATE_LIMITED,
        `more than ${writesPerSecond} writes per second from one client (BAKERY_RATE_LIMIT_WRITES)`,
        { status: 429, retryAfterS: 1 },
      )
    }
  }
}
