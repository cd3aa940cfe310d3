// Idempotency-Key as the IETF httpapi draft has it: a key names one request. The same key with the
// same payload answers with the first result; with a different payload it is a 422; while the first
// request with the key is still being processed, a second one is a 409. The in-flight check is per
// process (bounded); the stored fingerprint (compared by the caller's store) covers every replica.
import { createHash } from 'node:crypto'
import { BakeryError, ErrorCode } from '../errors.ts'

/** At most this many keys in flight at once (each ≤ 255 + 64 bytes: under 4 MiB in all). */
const MAX_IN_FLIGHT = 10_000
const KEY = /^[\x21-\x7e]{1,255}$/

/** A stable digest of the payload as the service understood it (parsed and normalised). */
export function payloadFingerprint(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('hex')
}

export function idempotencyKeyReused(key: string): BakeryError {
  return new BakeryError(
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    `Idempotency-Key ${key} was used for a request with a different payload`,
    {
      status: 422,
      details: [{ field: 'Idempotency-Key', message: 'already used with a different payload' }],
    },
  )
}

/** undefined when absent; a 400 when it is not 1-255 visible ASCII characters. */
export function parseIdempotencyHeader(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new BakeryError(ErrorCode.HTTP_VALIDATION, 'invalid Idempotency-Key header', {
      status: 400,
      details: [{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }],
    })
  }
  return header
}

export interface IdempotencyGuard {
  /** Runs `work` as the only request with `key` in flight here; no key runs it as is. */
  run<T>(key: string | undefined, fingerprint: string, work: () => Promise<T>): Promise<T>
  inFlight(): number
}

export function createIdempotencyGuard(): IdempotencyGuard {
  const running = new Map<string, string>()
  return {
    async run(key, fingerprint, work) {
      if (key === undefined) return work()
      const first = running.get(key)
      if (first !== undefined) {
        if (first !== fingerprint) throw idempotencyKeyReused(key)
        throw new BakeryError(
          ErrorCode.IDEMPOTENCY_IN_FLIGHT,
          `a request with Idempotency-Key ${key} is still being processed`,
          { status: 409, retryAfterS: 1 },
        )
      }
      if (running.size >= MAX_IN_FLIGHT) {
        throw new BakeryError(ErrorCode.HTTP_OVERLOADED, 'too many idempotent requests in flight', {
          status: 503,
          retryable: true,
          retryAfterS: 1,
        })
      }
      running.set(key, fingerprint)
      try {
        return await work()
      } finally {
        running.delete(key)
      }
    },
    inFlight: () => running.size,
  }
}
