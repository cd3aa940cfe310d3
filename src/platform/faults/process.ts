// The process seam: CPU burn (a share of one core, on a worker thread so the event loop stays
// free), a memory leak (MB/s on the JS heap up to a cap), the event loop blocked for ms every
// period, and an exit after a delay. They act on the whole process: in one process every
// service shares the core, the heap and the loop, as services in one container would.
import { Worker } from 'node:worker_threads'
import type { FaultSpec } from './model.ts'
import type { FaultRegistry } from './registry.ts'

const TICK_MS = 100

type Stop = () => void

function burnCpu(share: number): Stop {
  // Busy for share × 100 ms of every 100 ms, in a thread of its own.
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { const end = Date.now() + workerData.busy; while (Date.now() < end); }, ${TICK_MS})`,
    { eval: true, workerData: { busy: Math.round(share * TICK_MS) } },
  )
  worker.unref()
  return () => void worker.terminate()
}

/** Doubles per retained chunk: 512 KiB, above V8's large-object size, so each chunk goes straight
 * to the large-object space instead of being copied out of the young generation. */
const LEAK_CHUNK = 64 * 1024
const LEAK_CHUNK_BYTES = LEAK_CHUNK * 8

function leakMemory(mbPerS: number, capMb: number): Stop {
  const retained: number[][] = []
  const startedMs = performance.now()
  const capBytes = capMb * 1024 * 1024
  // Each tick tops the heap up to what the rate owes by now, not a fixed amount per tick: in a busy
  // process (every service in one, a loaded machine) ticks arrive late or not at all, and a
  // per-tick amount would fall behind the set rate.
  const topUp = () => {
    const owed = Math.min(capBytes, ((performance.now() - startedMs) / 1000) * mbPerS * 1024 * 1024)
    while ((retained.length + 1) * LEAK_CHUNK_BYTES <= owed) {
      // Arrays of doubles: 8 bytes per element on the JS heap (a long string could be a cheap rope).
      retained.push(new Array<number>(LEAK_CHUNK).fill(retained.length + 0.5))
    }
  }
  const timer = setInterval(topUp, TICK_MS)
  timer.unref()
  return () => {
    clearInterval(timer)
    retained.length = 0
  }
}

function blockLoop(ms: number, everyMs: number): Stop {
  const timer = setInterval(() => {
    const end = Date.now() + ms
    while (Date.now() < end);
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

function exitLater(afterMs: number, code: number, onExit: (code: number) => void): Stop {
  const timer = setTimeout(() => onExit(code), afterMs)
  return () => clearTimeout(timer)
}

export interface ProcessFaultOptions {
  /** How the process ends on an exit fault (tests pass a spy; the CLI exits). */
  exit?: (code: number) => void
}

/** Starts and stops the process faults of a registry as they start and end. */
export function runProcessFaults(registry: FaultRegistry, options: ProcessFaultOptions = {}): () => void {
  const running = new Map<string, Stop>()
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const start = (fault: FaultSpec & { id: string }) => {
    const p = fault.params
    if (fault.type === 'cpu-burn') return burnCpu(p.share ?? 0.5)
    if (fault.type === 'memory-leak') return leakMemory(p.mbPerS ?? 4, p.capMb ?? 64)
    if (fault.type === 'event-loop-block') return blockLoop(p.ms ?? 200, p.everyMs ?? 1000)
    if (fault.type === 'exit') return exitLater(p.afterMs ?? 1000, p.code ?? 1, exit)
    return undefined
  }
  const unsubscribe = registry.onEvent(({ kind, fault }) => {
    if (fault.seam !== 'process') return
    if (kind === 'start') {
      running.get(fault.id)?.()
      const stop = start(fault)
      if (stop) running.set(fault.id, stop)
    } else if (kind === 'end') {
      running.get(fault.id)?.()
      running.delete(fault.id)
    }
  })
  return () => {
    unsubscribe()
    for (const stop of running.values()) stop()
    running.clear()
  }
}
