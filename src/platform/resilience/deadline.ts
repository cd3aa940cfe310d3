// The time limit of one attempt. Not cockatiel's timeout policy: that one costs ~50 µs a call,
// most of it aborting its AbortController on every return (an abort builds a DOMException with a
// stack), and read paths such as GET /orders/:key pay it on every request. Here: one controller
// and one timer, ~2 µs. Expiry rejects with cockatiel's TaskCancelledError, which the breaker
// counts and the policy turns into BKR_DEPENDENCY_TIMEOUT, and aborts the attempt's signal.
import { TaskCancelledError } from 'cockatiel'

export function withDeadline<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  outer?: AbortSignal,
): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new TaskCancelledError(`Operation timed out after ${timeoutMs}ms`))
      controller.abort()
    }, timeoutMs)
    timer.unref()
  })
  // A caller's own signal (rare) cancels the attempt too.
  const cancel = () => controller.abort(outer?.reason)
  outer?.addEventListener('abort', cancel, { once: true })
  let attempt: Promise<T>
  try {
    attempt = fn(controller.signal)
  } catch (error) {
    attempt = Promise.reject(error)
  }
  return Promise.race([attempt, expired]).finally(() => {
    clearTimeout(timer)
    outer?.removeEventListener('abort', cancel)
  })
}
