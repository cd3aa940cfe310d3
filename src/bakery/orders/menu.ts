// The seed's menu and bake times (the seed: the original whatsfordinner/bakery demo): FNV-1a-32 of
// the pastry name, mod 100, in milliseconds.
// No Node API here: the dashboard (web/) imports the menu too.

export const PASTRIES = [
  'croissant',
  'kouign-amann',
  'la bombe',
  'escargot',
  'almond croissant',
  'profiterole',
  'caramel tart',
] as const

export type Pastry = (typeof PASTRIES)[number]

const MENU = new Set<string>(PASTRIES)

export function isPastry(value: string): value is Pastry {
  return MENU.has(value)
}

const utf8 = new TextEncoder()

export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of utf8.encode(text)) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash >>> 0
}

/** Bake time of the seed, multiplied by `scale` (0 = no delay). */
export function bakeTimeMs(pastry: string, scale: number): number {
  return (fnv1a32(pastry) % 100) * scale
}
