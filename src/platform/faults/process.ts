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

function leakMemory(mbPerS: number, capMb: number): Stop {
  const retained: string[] = []
  let mb = 0
  const perTickChars = Math.round((mbPerS * 1024 * 1024 * TICK_MS) / 1000)
  const timer = setInterval(() => {
    if (mb >= capMb) return
    // A fresh string each time (never shared), kept on the heap until the fault ends.
    retained.push(`${retained.length}`.padEnd(perTickChars, 'x'))
    mb += perTickChars / (1024 * 1024)
  }, TICK_MS)
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
