// Process runtime metrics, named by the OpenTelemetry semantic conventions for Node.js / V8 /
// process: event loop delay and utilisation, heap per space, GC pauses, RSS and CPU time.
// The samplers are process-wide and created once; each service's meter only registers callbacks
// reading them, so `bakery start` (many services, one process) pays for one of each.

import {
  constants,
  type EventLoopUtilization,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from 'node:perf_hooks'
import { getHeapSpaceStatistics } from 'node:v8'
import { type Histogram, type Meter, ValueType } from '@opentelemetry/api'

const NS_PER_S = 1e9
/** The delay percentiles are reported over windows this long, so they follow current load. */
const WINDOW_MS = 10_000

interface DelaySnapshot {
  min: number
  max: number
  mean: number
  p50: number
  p90: number
  p99: number
}

interface RuntimeSampler {
  delay(): DelaySnapshot
  utilization(): number
  gcHistograms: Set<Histogram>
}

let sampler: RuntimeSampler | undefined

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}

function createSampler(): RuntimeSampler {
  const histogram = monitorEventLoopDelay({ resolution: 20 })
  histogram.enable()
  const read = (): DelaySnapshot => ({
    // The histogram reports nanoseconds; an empty window reports NaN mean and huge min.
    min: histogram.count > 0 ? histogram.min / NS_PER_S : 0,
    max: histogram.count > 0 ? histogram.max / NS_PER_S : 0,
    mean: histogram.count > 0 ? histogram.mean / NS_PER_S : 0,
    p50: histogram.percentile(50) / NS_PER_S,
    p90: histogram.percentile(90) / NS_PER_S,
    p99: histogram.percentile(99) / NS_PER_S,
  })
  let lastDelay: DelaySnapshot | undefined
  let eluStart: EventLoopUtilization = performance.eventLoopUtilization()
  let lastUtilization = 0
  const timer = setInterval(() => {
    lastDelay = read()
    histogram.reset()
    lastUtilization = performance.eventLoopUtilization(eluStart).utilization
    eluStart = performance.eventLoopUtilization()
  }, WINDOW_MS)
  timer.unref()

  const gcHistograms = new Set<Histogram>()
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1
      const attributes = { 'v8js.gc.type': GC_KINDS[kind] ?? 'unknown' }
      for (const h of gcHistograms) h.record(entry.duration / 1000, attributes)
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    delay: () => lastDelay ?? read(),
    utilization: () => (lastDelay ? lastUtilization : performance.eventLoopUtilization(eluStart).utilization),
    gcHistograms,
  }
}

function delayDescription(stat: string): string {
  return `Event loop delay, ${stat} over the last ${WINDOW_MS / 1000} s window`
}

export function registerRuntimeMetrics(meter: Meter): void {
  sampler ??= createSampler()
  const runtime = sampler
  // Literal names and units (not built from a list) so the metric-name scan behind the dashboard
  // test sees them.
  const delayGauges = {
    min: meter.createObservableGauge('nodejs.eventloop.delay.min', {
      unit: 's',
      description: delayDescription('minimum'),
    }),
    max: meter.createObservableGauge('nodejs.eventloop.delay.max', {
      unit: 's',
      description: delayDescription('maximum'),
    }),
    mean: meter.createObservableGauge('nodejs.eventloop.delay.mean', {
      unit: 's',
      description: delayDescription('mean'),
    }),
    p50: meter.createObservableGauge('nodejs.eventloop.delay.p50', {
      unit: 's',
      description: delayDescription('median'),
    }),
    p90: meter.createObservableGauge('nodejs.eventloop.delay.p90', {
      unit: 's',
      description: delayDescription('90th percentile'),
    }),
    p99: meter.createObservableGauge('nodejs.eventloop.delay.p99', {
      unit: 's',
      description: delayDescription('99th percentile'),
    }),
  }
  const utilization = meter.createObservableGauge('nodejs.eventloop.utilization', {
    unit: '1',
    description: 'Share of time the event loop was busy over the last window',
  })
  const heapUsed = meter.createObservableGauge('v8js.memory.heap.used', {
    unit: 'By',
    description: 'V8 heap memory used, per heap space',
    valueType: ValueType.INT,
  })
  const heapLimit = meter.createObservableGauge('v8js.memory.heap.limit', {
    unit: 'By',
    description: 'V8 heap memory reserved, per heap space',
    valueType: ValueType.INT,
  })
  const rss = meter.createObservableGauge('process.memory.usage', {
    unit: 'By',
    description: 'Resident set size of the process',
    valueType: ValueType.INT,
  })
  const cpu = meter.createObservableCounter('process.cpu.time', {
    unit: 's',
    description: 'CPU time used by the process, per mode',
  })
  meter.addBatchObservableCallback(
    (result) => {
      const delay = runtime.delay()
      for (const [stat, gauge] of Object.entries(delayGauges))
        result.observe(gauge, delay[stat as keyof DelaySnapshot])
      result.observe(utilization, runtime.utilization())
      for (const space of getHeapSpaceStatistics()) {
        const attributes = { 'v8js.heap.space.name': space.space_name }
        result.observe(heapUsed, space.space_used_size, attributes)
        result.observe(heapLimit, space.space_size, attributes)
      }
      result.observe(rss, process.memoryUsage.rss())
      const usage = process.cpuUsage()
      result.observe(cpu, usage.user / 1e6, { 'cpu.mode': 'user' })
      result.observe(cpu, usage.system / 1e6, { 'cpu.mode': 'system' })
    },
    [...Object.values(delayGauges), utilization, heapUsed, heapLimit, rss, cpu],
  )
  runtime.gcHistograms.add(
    meter.createHistogram('v8js.gc.duration', {
      unit: 's',
      description: 'Garbage collection pause durations, per GC type',
      advice: {
        explicitBucketBoundaries: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      },
    }),
  )
}
