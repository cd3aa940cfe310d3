// Memory the code under test can grow: the JS heap plus what lives outside it on its behalf
// (Buffers, PGlite's WebAssembly memory). Not RSS: RSS also holds V8's compiler zones, and
// while V8 optimises PGlite's WebAssembly in the background (slower under coverage) they reach
// 600 MB and fall back to 1 MB, whatever the requests were.
import v8 from 'node:v8'
import vm from 'node:vm'

export function heldBytes(): number {
  const { heapUsed, external } = process.memoryUsage()
  return heapUsed + external
}

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** heldBytes() after a full collection: what is retained, not what awaits collection. */
export function retainedBytes(): number {
  gc()
  return heldBytes()
}
