// Hand-written validation with the seed's messages ("required field", "below minimum value",
// "above maximum value", in field order). Limits come from schemas.ts, the documented schema.
import { BakeryError, ErrorCode } from '../../platform/errors.ts'
import { LIMITS } from './schemas.ts'

export interface AlbumData {
  id: number
  title: string
  artist: string
  price: number
}

export interface Problem {
  field: string
  message: string
}

export interface ListQuery {
  limit: number
  after: number | undefined
  artist: string | undefined
  minPrice: number | undefined
  maxPrice: number | undefined
}

export const MESSAGES = {
  required: 'required field',
  min: 'below minimum value',
  max: 'above maximum value',
  malformed: 'Malformed JSON. Not valid for Album',
} as const

const wrongType = (expected: string) => `wrong type, expected ${expected}`

export function invalid(problems: Problem[], message = ''): BakeryError {
  return new BakeryError(ErrorCode.ALBUM_INVALID, message, { status: 400, details: problems })
}

export function malformed(message: string = MESSAGES.malformed): BakeryError {
  return new BakeryError(ErrorCode.ALBUM_INVALID, message, { status: 400, details: null })
}

function checkText(field: string, value: unknown, problems: Problem[]): void {
  if (value === undefined || value === null || value === '') {
    problems.push({ field, message: MESSAGES.required })
  } else if (typeof value !== 'string') {
    problems.push({ field, message: wrongType('string') })
  } else {
    // Lengths count characters (code points), like the seed's validator and JSON Schema.
    const length = [...value].length
    if (length < LIMITS.text.min) problems.push({ field, message: MESSAGES.min })
    else if (length > LIMITS.text.max) problems.push({ field, message: MESSAGES.max })
  }
}

function checkPrice(value: unknown, problems: Problem[]): void {
  // The seed treats 0 as absent (Go zero value with `required`).
  if (value === undefined || value === null || value === 0) {
    problems.push({ field: 'price', message: MESSAGES.required })
  } else if (typeof value !== 'number') {
    problems.push({ field: 'price', message: wrongType('number') })
  } else if (value < LIMITS.price.min) {
    problems.push({ field: 'price', message: MESSAGES.min })
  } else if (value > LIMITS.price.max) {
    problems.push({ field: 'price', message: MESSAGES.max })
  }
}

function checkId(value: unknown, problems: Problem[]): void {
  if (value === undefined || value === null) {
    problems.push({ field: 'id', message: MESSAGES.min })
  } else if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push({ field: 'id', message: wrongType('integer') })
  } else if (value < LIMITS.id.min) {
    problems.push({ field: 'id', message: MESSAGES.min })
  } else if (value > LIMITS.id.max) {
    problems.push({ field: 'id', message: MESSAGES.max })
  }
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed()
  return body as Record<string, unknown>
}

/** POST body: every field checked, problems in field order. */
export function validateAlbum(body: unknown): AlbumData {
  const input = asObject(body)
  const problems: Problem[] = []
  checkId(input.id, problems)
  checkText('title', input.title, problems)
  checkText('artist', input.artist, problems)
  checkPrice(input.price, problems)
  if (problems.length > 0) throw invalid(problems)
  return input as unknown as AlbumData
}

/** PUT body: the id is the path's; a body id may repeat it but not contradict it. */
export function validateUpdate(body: unknown, id: number): AlbumData {
  const input = asObject(body)
  const problems: Problem[] = []
  if (input.id !== undefined) {
    if (typeof input.id !== 'number' || !Number.isInteger(input.id)) {
      problems.push({ field: 'id', message: wrongType('integer') })
    } else if (input.id !== id) {
      problems.push({ field: 'id', message: 'does not match the id in the path' })
    }
  }
  checkText('title', input.title, problems)
  checkText('artist', input.artist, problems)
  checkPrice(input.price, problems)
  if (problems.length > 0) throw invalid(problems)
  return { id, title: input.title as string, artist: input.artist as string, price: input.price as number }
}

const ID = /^-?\d{1,15}$/

/** The path id: an integer, else the seed's 400 message. */
export function parseId(raw: string): number {
  if (!ID.test(raw)) throw malformed(`Album [${raw.slice(0, 100)}] not found, invalid request`)
  return Number(raw)
}

export function encodeCursor(after: number): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url')
}

function decodeCursor(raw: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    const after = (parsed as { after?: unknown } | null)?.after
    return typeof after === 'number' && Number.isSafeInteger(after) ? after : undefined
  } catch {
    return undefined
  }
}

function numberParam(field: string, raw: unknown, problems: Problem[], integer: boolean) {
  if (raw === undefined) return undefined
  const text = typeof raw === 'string' ? raw.trim() : undefined
  const value = text === undefined || text === '' ? Number.NaN : Number(text)
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    problems.push({ field, message: wrongType(integer ? 'integer' : 'number') })
    return undefined
  }
  return value
}

/** GET /albums query: limit, cursor and filters; repeated or malformed values are 400s. */
export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const problems: Problem[] = []
  let limit = numberParam('limit', query.limit, problems, true) ?? LIMITS.page.defaultLimit
  if (limit < 1) problems.push({ field: 'limit', message: MESSAGES.min })
  if (limit > LIMITS.page.maxLimit) problems.push({ field: 'limit', message: MESSAGES.max })
  limit = Math.min(Math.max(limit, 1), LIMITS.page.maxLimit)
  let after: number | undefined
  if (query.cursor !== undefined) {
    after = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : undefined
    if (after === undefined) problems.push({ field: 'cursor', message: 'invalid cursor' })
  }
  let artist: string | undefined
  if (query.artist !== undefined) {
    if (typeof query.artist === 'string') artist = query.artist
    else problems.push({ field: 'artist', message: wrongType('string') })
  }
  const minPrice = numberParam('minPrice', query.minPrice, problems, false)
  const maxPrice = numberParam('maxPrice', query.maxPrice, problems, false)
  for (const [field, value] of [
    ['minPrice', minPrice],
    ['maxPrice', maxPrice],
  ] as const) {
    if (value !== undefined && value < 0) problems.push({ field, message: MESSAGES.min })
  }
  if (problems.length > 0) throw invalid(problems)
  return { limit, after, artist, minPrice, maxPrice }
}
