// The load generator's own CPU use next to the machine's, so a run can show it was not the
// bottleneck (its share of the cores stays well below what the server side uses).
import os from 'node:os'
import { performance } from 'node:perf_hooks'

export interface CpuReport {
  readonly cores: number
  /** CPU seconds this process used per wall second (1 = one core fully busy). */
  readonly loadCores: number
  /** loadCores as a percentage of all cores. */
  readonly loadSharePct: number
  /** How busy all cores were, everything included. */
  readonly machineBusyPct: number
}

interface Snapshot {
  readonly wallMs: number
  readonly self: NodeJS.CpuUsage
  readonly busyMs: number
  readonly totalMs: number
}

function snapshot(): Snapshot {
  let busyMs = 0
  let totalMs = 0
  for (const { times } of os.cpus()) {
    const total = times.user + times.nice + times.sys + times.idle + times.irq
    totalMs += total
    busyMs += total - times.idle
  }
  return { wallMs: performance.now(), self: process.cpuUsage(), busyMs, totalMs }
}

const fixed = (value: number, digits: number) => Number(value.toFixed(digits))

/** Starts measuring; `report()` gives the figures since then (or since the last `restart()`). */
export function createCpuMeter() {
  let from = snapshot()
  return {
    restart() {
      from = snapshot()
    },
    report(): CpuReport {
      const to = snapshot()
      const cores = os.availableParallelism()
      const wallS = Math.max(1e-6, (to.wallMs - from.wallMs) / 1000)
      const selfS = (to.self.user - from.self.user + to.self.system - from.self.system) / 1e6
      const total = to.totalMs - from.totalMs
      const loadCores = selfS / wallS
      return {
        cores,
        loadCores: fixed(loadCores, 3),
        loadSharePct: fixed((100 * loadCores) / cores, 1),
        machineBusyPct: total > 0 ? fixed((100 * (to.busyMs - from.busyMs)) / total, 1) : 0,
      }
    },
  }
}
