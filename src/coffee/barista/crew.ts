// The seed's three baristas and what each can brew. Every item goes to a barista who can brew it
// (the seed's Thomas skipped lattes and acked them away); among those, the least busy one. Each
// barista brews one item at a time, so an order's items are brewed in parallel by different hands.
import { setTimeout as sleep } from 'node:timers/promises'

export const BARISTAS = [
  { name: 'Thomas', skills: ['espresso', 'cappuccino'] },
  { name: 'Sofia', skills: ['espresso', 'cappuccino', 'latte'] },
  { name: 'John', skills: ['espresso', 'cappuccino', 'latte'] },
] as const

/** Seed brew times in ms, before BAKE_TIME_SCALE. */
export const BREW_MS: Readonly<Record<string, number>> = { espresso: 3000, cappuccino: 6000, latte: 8000 }

export interface Brewed {
  barista: string
  ms: number
}

export interface Crew {
  /** Undefined when nobody can brew this type. */
  canBrew(type: string): boolean
  brew(type: string, extraMs?: number): Promise<Brewed>
  /** Items waiting or brewing per barista. */
  load(): Record<string, number>
}

export function createCrew(scale: number): Crew {
  const members = BARISTAS.map((b) => ({
    name: b.name,
    skills: new Set<string>(b.skills),
    busyMs: 0,
    queued: 0,
    tail: Promise.resolve() as Promise<unknown>,
  }))
  return {
    canBrew: (type) => BREW_MS[type] !== undefined && members.some((m) => m.skills.has(type)),
    brew(type, extraMs = 0) {
      const capable = members.filter((m) => m.skills.has(type))
      const base = BREW_MS[type]
      if (capable.length === 0 || base === undefined)
        return Promise.reject(new Error(`nobody can brew ${type}`))
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
