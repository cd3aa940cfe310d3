// The menu changes rarely: it is cached for a few seconds (and dropped when a coffee is added), and a
// stale copy serves while the database is briefly away.
import { guardedRead, isDatabaseUnavailable } from '../../platform/db/index.ts'
import type { ResiliencePolicy } from '../../platform/resilience/index.ts'
import type { Menu } from './store.ts'

const FRESH_MS = 5000

export interface MenuCache {
  current(): Promise<Menu>
  invalidate(): void
}

export function createMenuCache(read: () => Promise<Menu>, reads: ResiliencePolicy): MenuCache {
  let cached: { at: number; menu: Promise<Menu> } | undefined
  return {
    async current() {
      const previous = cached
      if (previous && Date.now() - previous.at < FRESH_MS) return previous.menu
      const fresh = { at: Date.now(), menu: guardedRead(reads, read) }
      cached = fresh
      try {
        return await fresh.menu
      } catch (error) {
        if (previous && isDatabaseUnavailable(error)) {
          cached = previous
          return previous.menu
        }
        if (cached === fresh) cached = undefined
        throw error
      }
    },
    invalidate() {
      cached = undefined
    },
  }
}
