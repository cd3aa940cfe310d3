// The cache seam (Redis, and the tracking store on it or embedded): commands are slowed, hang
// until they time out, or fail as a lost connection does. Any object whose methods return promises
// can be wrapped; `exempt` methods (close, subscriptions) pass untouched.
import { setTimeout as sleep } from 'node:timers/promises'
import { hit, type SeamSlot } from './registry.ts'

async function before(slot: SeamSlot): Promise<void> {
  const latency = hit(slot, 'latency')
  if (latency) await sleep((latency.params.ms ?? 0) + Math.random() * (latency.params.jitterMs ?? 0))
  const timeout = hit(slot, 'timeout')
  if (timeout) {
    await sleep(timeout.params.ms ?? 0)
    throw new Error('Command timed out')
  }
  if (hit(slot, 'error')) throw new Error('Connection is closed.')
}

const targets = new WeakMap<object, object>()

/** The object behind a cache-fault proxy (itself when it is none), for resources shared by services. */
export function withoutCacheFaults<T extends object>(value: T): T {
  return (targets.get(value) as T | undefined) ?? value
}

/** A proxy of `target` whose methods (but `exempt`) pass through the cache faults first. */
export function faultyCache<T extends object>(target: T, slot: SeamSlot, methods: readonly string[]): T {
  const wrapped = new Map<PropertyKey, unknown>()
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver)
      if (typeof value !== 'function' || !methods.includes(property as string)) return value
      let fn = wrapped.get(property)
      if (!fn) {
        fn = function (this: unknown, ...args: unknown[]) {
          const call = () =>
            (value as (...a: unknown[]) => unknown).apply(this === receiver ? object : this, args)
          if (slot.active.length === 0) return call()
          return before(slot).then(call)
        }
        wrapped.set(property, fn)
      }
      return fn
    },
  })
  targets.set(proxy, target)
  return proxy
}

/** ioredis sends every command through `sendCommand`: one method covers them all. */
export const REDIS_METHODS = ['sendCommand'] as const
