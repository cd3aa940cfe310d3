// Cleanups that run last-in first-out (node:test runs t.after hooks in registration order), so
// services stop before the vhost, database or keys they use are removed.
import type { TestContext } from 'node:test'

type Cleanup = () => unknown
const stacks = new WeakMap<TestContext, Cleanup[]>()

export function defer(t: TestContext, cleanup: Cleanup): void {
  let stack = stacks.get(t)
  if (!stack) {
    const fresh: Cleanup[] = []
    stack = fresh
    stacks.set(t, fresh)
    t.after(async () => {
      for (const fn of fresh.reverse()) {
        try {
          await fn()
        } catch {
          // A failed cleanup must not hide the test's own result or skip the others.
        }
      }
    })
  }
  stack.push(cleanup)
}
