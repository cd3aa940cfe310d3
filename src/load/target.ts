// What a load target is: the requests one virtual user sends, when a reply counts as accepted, and
// (for APIs whose requests complete later) how an accepted request is followed to its final state.
// The targets themselves are in targets.ts, coffee-target.ts and album-walk.ts.

export const TARGET_NAMES = ['orders', 'coffee', 'albums', 'events'] as const
export type TargetName = (typeof TARGET_NAMES)[number]

export function isTargetName(value: string): value is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(value)
}

/** The k6 script's customers first; a few more so the mix is not only four names. */
export const CUSTOMERS = ['homer', 'fry', 'tuca', 'bertie', 'marge', 'leela', 'speckle', 'bender'] as const

/** What the followed GET body must echo back, as the target's `matches` reads it. */
export type Expected = Readonly<Record<string, unknown>>

export interface LoadRequest {
  readonly method: 'GET' | 'POST'
  readonly path: string
  readonly body?: string
  readonly contentType?: string
  /** What was asked for, to check the followed state against (followed targets only). */
  readonly expect?: Expected
}

export type Verdict =
  | {
      readonly ok: true
      /** Followed targets: what the state of the accepted request is read from (Follow.path). */
      readonly key?: string
      /** What one accepted reply carried, in the target's unit (albums in a page, events in a batch). */
      readonly items?: number
      /** albums: the page's place in this user's walk (1 = first page). */
      readonly page?: number
      /** albums: the page had no next link, so the walk starts over. */
      readonly lastPage?: boolean
    }
  | { readonly ok: false; readonly error: string }

export type Headers = Record<string, string | string[] | undefined>

/**
 * How an accepted request is followed to completion: GET `path(key)` until the body's `status` is
 * `done` or one of `declined`, end-to-end latency from the body's own timestamps.
 */
export interface Follow {
  /** What a request reaching `done` is called in the summary (orders: finished, coffee: ready). */
  readonly doneLabel: string
  path(key: string): string
  /** Every status the body may carry; anything else counts as a wrong body. */
  readonly statuses: readonly string[]
  readonly done: string
  /** Final statuses other than done (coffee: payment_declined): counted apart, never as lost. */
  readonly declined: readonly string[]
  /** Body fields holding the server's timestamps (ISO 8601) of acceptance and of `done`. */
  readonly startField: string
  readonly endField: string
  /** Whether the body describes what was asked for. */
  matches(body: Readonly<Record<string, unknown>>, expected: Expected): boolean
}

/** One virtual user: its next request, and what the reply says (it may move the user on). */
export interface TargetUser {
  next(random: () => number): LoadRequest
  check(status: number, body: string, headers: Headers): Verdict
}

export interface Target {
  readonly name: TargetName
  /** The port the seed served this API on. */
  readonly defaultPort: number
  /** How accepted requests are followed to completion; null when there is nothing to follow. */
  readonly follow: Follow | null
  /** What Verdict.items counts; null when a reply is just one request. */
  readonly unit: 'albums' | 'events' | null
  /** A new virtual user (stateless targets may hand out the same one). */
  user(): TargetUser
}

export const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)] as T

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
