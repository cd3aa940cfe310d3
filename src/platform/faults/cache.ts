// The cache seam (Redis, and the tracking store on it or embedded): commands are slowed, hang
// until they time out, or fail as a lost connection does. Any object whose methods return promises
// can be wrapped; `exempt` methods (close, subscriptions) pass untouched.

import { setTimeout as sleep } from 'node:timers/promises'
import { BakeryError, ErrorCode } from '../errors.ts'
import { hit, type SeamSlot } from './registry.ts'

/**
 * An injected cache failure, with the message the Redis client gives for the same failure. Like
 * a real one it is a failed dependency (502), and worth retrying.
 */
function injected(message: string): BakeryError {
  return new BakeryError(ErrorCode.DEPENDENCY_FAILED, message, { retryable: true, status: 502 })
}

async function before(slot: SeamSlot): Promise<void> {
  const latency = hit(slot, 'latency')
  if (latency) await sleep((latency.params.ms ?? 0) + Math.random() * (latency.params.jitterMs ?? 0))
  const timeout = hit(slot, 'timeout')
  if (timeout) {
    await sleep(timeout.params.ms ?? 0)
    throw injected('Command timed out')
  }
  if (hit(slot, 'error')) throw injected('Connection is closed.')
}

const targets = new WeakMap<object, object>()

/** The object behind a cache-fault proxy (itself when it is none), for resources shared by services. */
export function withoutCacheFaults<T extends object>(value: T): T {
  return (targets.get(value) as T | undefined) ?? value
}

/** A proxy of `target` whose methods (but `exempt`) pass through the cache faults first. */
export function faultyCache<T extends object>(target: T, slot: SeamSlot, methods: readonly string[]): T {
  if (Object.getPrototypeOf(target) === Object.prototype) return faultyPlainObject(target, slot, methods)
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

/** A plain object (a store made by a factory): a copy with its methods wrapped, no proxy lookups. */
function faultyPlainObject<T extends object>(target: T, slot: SeamSlot, methods: readonly string[]): T {
  const copy: Record<string, unknown> = { ...(target as Record<string, unknown>) }
  for (const name of methods) {
    const fn = copy[name]
    if (typeof fn !== 'function') continue
    copy[name] = (...args: unknown[]) => {
      if (slot.active.length === 0) return fn.apply(target, args)
      return before(slot).then(() => fn.apply(target, args))
    }
  }
  targets.set(copy, target)
  return copy as T
}

/** ioredis sends every command through `sendCommand`: one method covers them all. */
export const REDIS_METHODS = ['sendCommand'] as const
