import { useEffect, useState } from 'preact/hooks'
import { api } from './api.ts'

export interface Polled<T> {
  data: T | undefined
  error: string | undefined
}

/** Fetches `path` now and every `everyMs` (0 = once) while mounted; keeps the last good value. */
export function usePoll<T>(path: string | undefined, everyMs: number): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined })
  useEffect(() => {
    if (!path) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const data = await api<T>(path)
        if (live) setState({ data, error: undefined })
      } catch (error) {
        if (live) setState((s) => ({ data: s.data, error: (error as Error).message }))
      }
      if (live && everyMs > 0) timer = setTimeout(tick, everyMs)
    }
    void tick()
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [path, everyMs])
  return state
}

/** The current hash route, split into path and query. */
export function useRoute(): { path: string; query: URLSearchParams } {
  const read = () => {
    const raw = location.hash.replace(/^#/, '') || '/orders'
    const [path = '/orders', query = ''] = raw.split('?')
    return { path, query: new URLSearchParams(query) }
  }
  const [route, setRoute] = useState(read)
  useEffect(() => {
    const onChange = () => setRoute(read())
    addEventListener('hashchange', onChange)
    return () => removeEventListener('hashchange', onChange)
  }, [])
  return route
}
