// The faults of one process, by target, with their schedules running on timers. Seams hold a slot
// per service and seam: with no fault the slot's `active` list is empty, so a seam's check is one
// length test (the fast path every call pays).
import { BakeryError, ErrorCode } from '../errors.ts'

import { type FaultSpec, type FaultState, type FaultType, faultId, type Seam } from './model.ts'
import { firstStart, nextStart } from './schedule.ts'

/** What a seam reads per call: the faults acting on it now. */
export interface SeamSlot {
  readonly service: string
  readonly seam: Seam
  active: readonly FaultSpec[]
}

export type FaultEvent = { kind: 'start' | 'end' | 'set' | 'clear'; fault: FaultState; by: string }

export interface FaultRegistry {
  /** Adds or replaces the fault of the same target and type; it acts now or when scheduled. */
  set(spec: FaultSpec): FaultState
  /** Clears matching faults (all when no selector); returns those cleared. */
  clear(selector?: { target?: string | undefined; type?: string | undefined }, by?: string): FaultState[]
  list(): FaultState[]
  slot(service: string, seam: Seam): SeamSlot
  /** Start/end/set/clear events, for the log and the metric. */
  onEvent(listener: (event: FaultEvent) => void): () => void
  /** Services running in this process: faults for others belong to the process that runs them. */
  readonly localServices: Set<string>
}

const MAX_FAULTS = 256

interface Entry {
  spec: FaultSpec
  setAt: number
  active: boolean
  nextChange: number | undefined
  timer: NodeJS.Timeout | undefined
}

export function createFaultRegistry(): FaultRegistry {
  const entries = new Map<string, Entry>()
  const slots = new Map<string, SeamSlot>()
  const listeners = new Set<(event: FaultEvent) => void>()

  const slotOf = (service: string, seam: Seam): SeamSlot => {
    const key = `${service}.${seam}`
    let slot = slots.get(key)
    if (!slot) {
      slot = { service, seam, active: [] }
      slots.set(key, slot)
    }
    return slot
  }
  const refresh = (target: string) => {
    const [service = '', seam] = target.split('.') as [string, Seam]
    const active = [...entries.values()]
      .filter((e) => e.active && e.spec.target === target)
      .map((e) => e.spec)
    slotOf(service, seam).active = active
  }
  const emit = (kind: FaultEvent['kind'], entry: Entry, by: string) => {
    const event = { kind, fault: toState(entry), by }
    for (const listener of listeners) listener(event)
  }

  function arm(entry: Entry, at: number, fn: () => void) {
    entry.nextChange = at
    entry.timer = setTimeout(fn, Math.max(0, at - Date.now()))
    entry.timer.unref()
  }
  function start(entry: Entry, index: number) {
    const startedAt = Date.now()
    entry.active = true
    entry.nextChange = undefined
    refresh(entry.spec.target)
    emit('start', entry, entry.spec.by)
    const duration = entry.spec.schedule?.durationMs
    if (duration !== undefined) arm(entry, startedAt + duration, () => end(entry, startedAt, index))
  }
  function end(entry: Entry, startedAt: number, index: number) {
    entry.active = false
    refresh(entry.spec.target)
    emit('end', entry, 'schedule')
    const next = nextStart(entry.spec.schedule, startedAt, index)
    if (next === undefined) {
      entries.delete(faultId(entry.spec))
      return
    }
    arm(entry, next, () => start(entry, index + 1))
  }
  function remove(entry: Entry, by: string) {
    clearTimeout(entry.timer)
    entries.delete(faultId(entry.spec))
    const wasActive = entry.active
    entry.active = false
    refresh(entry.spec.target)
    if (wasActive) emit('end', entry, by)
    emit('clear', entry, by)
  }

  return {
    localServices: new Set(),
    set(spec) {
      const id = faultId(spec)
      const previous = entries.get(id)
      if (previous) remove(previous, spec.by)
      else if (entries.size >= MAX_FAULTS) {
        throw new BakeryError(
          ErrorCode.FAULT_INVALID,
          `at most ${MAX_FAULTS} faults at once; clear some first`,
          {
            status: 400,
          },
        )
      }
      const setAt = Date.now()
      const entry: Entry = { spec, setAt, active: false, nextChange: undefined, timer: undefined }
      entries.set(id, entry)
      emit('set', entry, spec.by)
      const at = firstStart(spec.schedule, setAt)
      if (at <= setAt) start(entry, 0)
      else arm(entry, at, () => start(entry, 0))
      return toState(entry)
    },
    clear(selector = {}, by = 'unknown') {
      const cleared: FaultState[] = []
      for (const entry of [...entries.values()]) {
        const { target, type } = entry.spec
        if (
          selector.target !== undefined &&
          selector.target !== target &&
          selector.target !== entry.spec.service
        )
          continue
        if (selector.type !== undefined && selector.type !== type) continue
        cleared.push(toState(entry))
        remove(entry, by)
      }
      return cleared
    },
    list: () => [...entries.values()].map(toState),
    slot: slotOf,
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function toState(entry: Entry): FaultState {
  return {
    ...entry.spec,
    id: faultId(entry.spec),
    active: entry.active,
    nextChange: entry.nextChange === undefined ? undefined : new Date(entry.nextChange).toISOString(),
    setAt: new Date(entry.setAt).toISOString(),
  }
}

/** The first active fault of `type` in the slot that hits this call (rate and match), if any. */
export function hit(
  slot: SeamSlot,
  type: FaultType,
  attributes?: Readonly<Record<string, string | undefined>>,
): FaultSpec | undefined {
  for (const fault of slot.active) {
    if (fault.type !== type) continue
    if (!matches(fault, attributes)) continue
    if (fault.rate >= 1 || Math.random() < fault.rate) return fault
  }
  return undefined
}

function matches(
  fault: FaultSpec,
  attributes: Readonly<Record<string, string | undefined>> | undefined,
): boolean {
  for (const key in fault.match) {
    const wanted = fault.match[key as keyof typeof fault.match]
    const seen = attributes?.[key]
    if (seen === undefined || (seen !== wanted && !(key === 'route' && seen.startsWith(wanted as string))))
      return false
  }
  return true
}
