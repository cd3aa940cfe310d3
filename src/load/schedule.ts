// When requests are due. Open loop: arrivals follow a target rate that ramps linearly from 0 over
// `rampMs`, independent of how fast the server answers (so latency is measured from the intended
// send time and slow replies are not hidden: no coordinated omission). Closed loop: virtual users
// start one by one over the ramp and each waits for its reply before the next request.
import { BakeryError, ErrorCode } from '../platform/errors.ts'

/** Parses 15m, 30s, 500ms, 1h or a bare number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text)
  if (!match) {
    throw new BakeryError(
      ErrorCode.LOAD_OPTIONS_INVALID,
      `"${text}" is not a duration (examples: 500ms, 30s, 15m, 1h, 20)`,
    )
  }
  const value = Number(match[1])
  const unit = match[2] ?? 's'
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit] ?? 1000
  return Math.round(value * factor)
}

export interface OpenSchedule {
  /** Milliseconds after the start at which request number `k` (0-based) is due. */
  dueAt(k: number): number
  /** How many requests are due by `ms` after the start (the integral of the rate). */
  dueBy(ms: number): number
}

/** Arrivals at `ratePerSec`, ramping linearly from 0 over `rampMs` (0 = full rate at once). */
export function openSchedule(ratePerSec: number, rampMs: number): OpenSchedule {
  const perMs = ratePerSec / 1000
  const rampCount = (perMs * rampMs) / 2 // requests due during the ramp: area of the triangle
  return {
    dueAt(k) {
      if (rampMs > 0 && k < rampCount) return Math.sqrt((2 * k * rampMs) / perMs)
      return rampMs + (k - rampCount) / perMs
    },
    dueBy(ms) {
      if (ms <= 0) return 0
      if (rampMs > 0 && ms < rampMs) return Math.floor((perMs * ms * ms) / (2 * rampMs))
      return Math.floor(rampCount + perMs * (ms - rampMs))
    },
  }
}

/** Start offset of each virtual user: spread evenly over the ramp, all at 0 without one. */
export function userStartTimes(users: number, rampMs: number): number[] {
  return Array.from({ length: users }, (_, i) => (rampMs > 0 ? (rampMs * i) / users : 0))
}
