// What accepted replies carried beyond "one request": albums read on the users' walks through the
// catalogue, events ingested in batches. Only the measured window counts, as for accepted/s.
import type { Target, Verdict } from './target.ts'

export interface WalkSummary {
  /** Independent walks: one per virtual user (open loop: as many as were in flight at once). */
  readonly walkers: number
  /** Pages read (accepted GETs). */
  readonly pages: number
  readonly pagesPerSec: number
  readonly albums: number
  readonly albumsPerSec: number
  /** Pages with no next link: a walker reached the end of the catalogue and started over. */
  readonly laps: number
  /** The furthest page any walker reached (1 = only ever the first page). */
  readonly deepestPage: number
}

export interface EventsSummary {
  /** Events per POST. */
  readonly batch: number
  /** Events in accepted batches. */
  readonly count: number
  readonly perSec: number
}

type Accepted = Extract<Verdict, { ok: true }>

const rate = (count: number, seconds: number) => Number((count / seconds).toFixed(1))

export function createTally(target: Target, batch: number) {
  let items = 0
  let pages = 0
  let laps = 0
  let deepest = 0
  return {
    record(verdict: Accepted) {
      items += verdict.items ?? 0
      pages++
      if (verdict.lastPage) laps++
      deepest = Math.max(deepest, verdict.page ?? 0)
    },
    /** The summary fields of this target: `walk` (albums), `events` (events), none otherwise. */
    fields(windowS: number, walkers: number): { walk?: WalkSummary; events?: EventsSummary } {
      if (target.unit === 'albums') {
        const walk = {
          walkers,
          pages,
          pagesPerSec: rate(pages, windowS),
          albums: items,
          albumsPerSec: rate(items, windowS),
          laps,
          deepestPage: deepest,
        }
        return { walk }
      }
      if (target.unit === 'events') return { events: { batch, count: items, perSec: rate(items, windowS) } }
      return {}
    },
  }
}
