// Cleanups of one test, run last-in first-out (services stop before the database they use is
// dropped), however many helpers registered them.
import type { TestContext } from 'node:test'

const stacks = new WeakMap<TestContext, (() => Promise<void> | void)[]>()

export function defer(t: TestContext, cleanup: () => Promise<void> | void): void {
  let stack = stacks.get(t)
  if (!stack) {
    const fresh: (() => Promise<void> | void)[] = []
    stacks.set(t, fresh)
    stack = fresh
    t.after(async () => {
      for (const fn of fresh.reverse()) await fn()
    })
  }
  stack.push(cleanup)
}
