// Order keys: 128 random bits as 32 hex digits, like the seed's. randomBytes(16) per order is a
// call into the CSPRNG each time (1.5% of the reception's CPU under load); drawing 256 keys' worth
// at once keeps the same randomness at a fraction of the cost.
import { randomFillSync } from 'node:crypto'

const KEY_BYTES = 16
const pool = Buffer.alloc(KEY_BYTES * 256)
let offset = pool.length

export function newOrderKey(): string {
  if (offset === pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  const key = pool.toString('hex', offset, offset + KEY_BYTES)
  offset += KEY_BYTES
  return key
}
