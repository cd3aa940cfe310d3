// The seed's three baristas and what each can brew. Every item goes to a barista who can brew it
// (the seed's Thomas skipped lattes and acked them away); among those, the least busy one. Each
// barista brews one item at a time, so an order's items are brewed in parallel by different hands.
// Brew times come with the order (from the menu); the seed's own three are the fallback for
// order.Created events that carry none. Sofia and John brew anything on the menu.
import { setTimeout as sleep } from 'node:timers/promises'
import { BakeryError, ErrorCode } from '../../platform/errors.ts'

/** `*`: any coffee on the menu. */
export const BARISTAS = [
  { name: 'Thomas', skills: ['espresso', 'cappuccino'] },
  { name: 'Sofia', skills: ['*'] },
  { name: 'John', skills: ['*'] },
] as const

/** Seed brew times in ms, before BAKE_TIME_SCALE: used when the order carries none. */
export const BREW_MS: Readonly<Record<string, number>> = { espresso: 3000, cappuccino: 6000, latte: 8000 }
/** A coffee the order gives no time for and the seed did not know (the menu's default). */
export const DEFAULT_BREW_MS = 5000

export interface Brewed {
  barista: string
  ms: number
}

export interface Crew {
  /** False when nobody can brew this type. */
  canBrew(type: string): boolean
  /** `brewMs` from the order (0 = unknown: the seed's time for the type, else the default). */
  brew(type: string, brewMs: number, extraMs?: number): Promise<Brewed>
  /** Items waiting or brewing per barista. */
  load(): Record<string, number>
}

const skilled = (member: { skills: Set<string> }, type: string) =>
  member.skills.has('*') || member.skills.has(type)

export function createCrew(scale: number): Crew {
  const members = BARISTAS.map((b) => ({
    name: b.name,
    skills: new Set<string>(b.skills),
    busyMs: 0,
    queued: 0,
    tail: Promise.resolve() as Promise<unknown>,
  }))
  return {
    canBrew: (type) => type !== '' && members.some((m) => skilled(m, type)),
    brew(type, brewMs, extraMs = 0) {
      const capable = members.filter((m) => skilled(m, type))
      const base = brewMs > 0 ? brewMs : (BREW_MS[type] ?? DEFAULT_BREW_MS)
      if (capable.length === 0)
        return Promise.reject(
          new BakeryError(ErrorCode.MESSAGE_MALFORMED, `nobody can brew ${type}`, { retryable: false }),
        )
      const member = capable.reduce((best, m) => (m.busyMs < best.busyMs ? m : best))
      const ms = Math.round(base * scale + extraMs)
      member.busyMs += ms
      member.queued++
      const done = member.tail.then(async () => {
        try {
          if (ms > 0) await sleep(ms)
          return { barista: member.name, ms }
        } finally {
          member.busyMs -= ms
          member.queued--
        }
      })
      member.tail = done.catch(() => undefined)
      return done
    },
    load: () => Object.fromEntries(members.map((m) => [m.name, m.queued])),
  }
}
