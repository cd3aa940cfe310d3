// The test data builder behind `bakery seed-albums --count N`: realistic, deterministic albums
// written in batches (one INSERT … SELECT unnest per batch), for pagination tests and benchmarks.
import type { AlbumData } from '../api/validate.ts'
import type { AlbumRepository } from './repository.ts'

const FIRST = [
  'John',
  'Gerry',
  'Sarah',
  'Miles',
  'Nina',
  'Ella',
  'Thelonious',
  'Billie',
  'Chet',
  'Dexter',
  'Alice',
  'Wayne',
  'Herbie',
  'Cannonball',
  'Dinah',
  'Art',
]
const LAST = [
  'Coltrane',
  'Mulligan',
  'Vaughan',
  'Davis',
  'Simone',
  'Fitzgerald',
  'Monk',
  'Holiday',
  'Baker',
  'Gordon',
  'Shorter',
  'Hancock',
  'Adderley',
  'Washington',
  'Blakey',
  'Mingus',
  'Evans',
]
const ADJECTIVES = [
  'Blue',
  'Kind',
  'Round',
  'Giant',
  'Quiet',
  'Late',
  'Midnight',
  'Silver',
  'Lonely',
  'Bright',
  'Velvet',
  'Autumn',
  'Electric',
  'Golden',
  'Smoky',
]
const NOUNS = [
  'Train',
  'Steps',
  'Moods',
  'Session',
  'Sketches',
  'Ballads',
  'Nights',
  'Avenue',
  'Groove',
  'Horizons',
  'Standards',
  'Suite',
  'Dreams',
  'Corner',
  'Garden',
]

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T

/** Album number `n` (0-based) with id `id`; the same n always gives the same album. */
export function buildAlbum(id: number, n: number): AlbumData {
  // Multiplicative hashing spreads consecutive n over the word lists.
  const h = Math.imul(n + 1, 2654435761) >>> 0
  return {
    id,
    title: `${pick(ADJECTIVES, h)} ${pick(NOUNS, h >>> 8)} Vol. ${(n % 97) + 1}`,
    artist: `${pick(FIRST, h >>> 16)} ${pick(LAST, h >>> 20)}`,
    price: Math.round(499 + (h % 9500)) / 100,
  }
}

export interface SeedResult {
  inserted: number
  firstId: number
  lastId: number
}

/** Appends `count` albums after the highest id, `batchSize` rows per statement. */
export async function seedAlbums(
  repository: AlbumRepository,
  count: number,
  batchSize = 5000,
): Promise<SeedResult> {
  const firstId = (await repository.maxId()) + 1
  let inserted = 0
  for (let offset = 0; offset < count; offset += batchSize) {
    const size = Math.min(batchSize, count - offset)
    const batch = Array.from({ length: size }, (_, i) => buildAlbum(firstId + offset + i, offset + i))
    inserted += await repository.insertMany(batch)
  }
  return { inserted, firstId, lastId: firstId + count - 1 }
}
