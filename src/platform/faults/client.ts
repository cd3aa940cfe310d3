// The outbound HTTP seam: a call is slowed, answered with an error status, hangs until it times
// out, or is refused as by a closed port. Wrappers for fetch and for undici's request keep the
// caller's own handling (its spans, retries, breaker) exactly as for a real failure.
import { setTimeout as sleep } from 'node:timers/promises'
import { ErrorCode } from '../errors.ts'
import { type MatchAttributes, matchAttributes } from './match.ts'
import { hit, type SeamSlot } from './registry.ts'

function refused(url: string): Error {
  const { host } = new URL(url)
  return Object.assign(new Error(`connect ECONNREFUSED ${host}`), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  })
}

function parseJson(body: unknown): unknown {
  if (typeof body !== 'string' || !body.startsWith('{')) return undefined
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/**
 * Applies the faults hitting this call: waits, throws as a transport failure would, or returns
 * the status to answer with (undefined: go ahead with the real call).
 */
export async function clientFault(
  slot: SeamSlot,
  url: string,
  attributes: MatchAttributes,
  signal?: AbortSignal | null,
): Promise<number | undefined> {
  if (hit(slot, 'refused', attributes)) throw refused(url)
  const latency = hit(slot, 'latency', attributes)
  if (latency)
    await sleep((latency.params.ms ?? 0) + Math.random() * (latency.params.jitterMs ?? 0), undefined, {
      signal: signal ?? undefined,
    })
  const timeout = hit(slot, 'timeout', attributes)
  if (timeout) {
    // The caller's own deadline fires first when it is shorter, as with a server that never answers.
    await sleep(timeout.params.ms ?? 0, undefined, { signal: signal ?? undefined })
    throw Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' })
  }
  return hit(slot, 'error', attributes)?.params.status
}

const errorBody = (status: number) =>
  JSON.stringify({
    code: status >= 500 ? ErrorCode.INTERNAL : ErrorCode.HTTP_VALIDATION,
    message: status >= 500 ? 'internal error' : 'request refused',
  })

/** `fetch` behind the service's outbound faults. */
export function faultyFetch(slot: SeamSlot, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    if (slot.active.length === 0) return base(input, init)
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const attributes = matchAttributes(new URL(url).pathname, parseJson(init?.body))
    let status: number | undefined
    try {
      status = await clientFault(slot, url, attributes, init?.signal)
    } catch (error) {
      // fetch reports transport failures as a TypeError with the cause (as undici does).
      if (
        (error as { code?: string }).code === 'ECONNREFUSED' ||
        (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT'
      ) {
        throw new TypeError('fetch failed', { cause: error })
      }
      throw error
    }
    if (status === undefined) return base(input, init)
    return new Response(errorBody(status), { status, headers: { 'content-type': 'application/json' } })
  }
}

export interface RequestLike {
  statusCode: number
  headers: Record<string, string | string[] | undefined>
  body: { text(): Promise<string>; json(): Promise<unknown>; dump(): Promise<void> }
}

/** undici's `request` (or a Pool's) behind the service's outbound faults. */
export function faultyRequest<O extends { body?: unknown; signal?: unknown }, R>(
  slot: SeamSlot,
  urlOf: (options: O) => string,
  call: (options: O) => Promise<R>,
): (options: O) => Promise<R | RequestLike> {
  return async (options) => {
    if (slot.active.length === 0) return call(options)
    const url = urlOf(options)
    const attributes = matchAttributes(new URL(url).pathname, parseJson(options.body))
    const status = await clientFault(slot, url, attributes, options.signal as AbortSignal | undefined)
    if (status === undefined) return call(options)
    const text = errorBody(status)
    return {
      statusCode: status,
      headers: { 'content-type': 'application/json' },
      body: { text: async () => text, json: async () => JSON.parse(text), dump: async () => undefined },
    }
  }
}
