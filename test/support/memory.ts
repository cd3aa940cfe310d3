// Memory readings for tests that bound what code keeps. RSS is not one of them: it also holds
// pages the allocator freed but kept, and V8's compiler zones, which reach 600 MB while V8
// optimises PGlite's WebAssembly in the background (slower under coverage) and then fall back to
// 1 MB, whatever the code under test did.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

setFlagsFromString('--expose-gc')
/** A full collection, so a reading shows what is kept, not garbage not yet collected. */
export const collectGarbage = runInNewContext('gc') as () => void

/** The JS heap plus what lives outside it on its behalf (Buffers, PGlite's WebAssembly memory). */
export function heldBytes(): number {
  const { heapUsed, external } = process.memoryUsage()
  return heapUsed + external
}

/** heldBytes() after a full collection: what is retained. */
export function retainedBytes(): number {
  collectGarbage()
  return heldBytes()
}
