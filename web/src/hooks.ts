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

export interface UrlForm<F extends string, C extends string> {
  /** What the text inputs hold now. */
  form: Record<F, string>
  /** What the checkboxes hold now. */
  checks: Record<C, boolean>
  /** A text input's handler: keeps its value in `form`. */
  set: (name: F) => (e: { currentTarget: { value: string } }) => void
  /** A checkbox's handler: keeps its state in `checks`. */
  toggle: (name: C) => (e: { currentTarget: { checked: boolean } }) => void
  /** The filters of the URL (what the page shows), as query parameters for the API. */
  params: URLSearchParams
  /** Puts the inputs into the URL under `route` (empty fields and unticked flags left out). */
  submit: (event: Event) => void
}

/** A filter form whose fields (and `true` flags) live in the hash route's query, so a search can be linked to. */
export function useUrlForm<F extends string, C extends string = never>(
  route: string,
  query: URLSearchParams,
  fields: readonly F[],
  flags: readonly C[] = [],
): UrlForm<F, C> {
  const [form, setForm] = useState(
    () => Object.fromEntries(fields.map((f) => [f, query.get(f) ?? ''])) as Record<F, string>,
  )
  const [checks, setChecks] = useState(
    () => Object.fromEntries(flags.map((c) => [c, query.get(c) === 'true'])) as Record<C, boolean>,
  )
  const params = new URLSearchParams()
  for (const f of fields) if (query.get(f)) params.set(f, query.get(f) ?? '')
  for (const c of flags) if (query.get(c) === 'true') params.set(c, 'true')
  return {
    form,
    checks,
    set: (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value }),
    toggle: (name) => (e) => setChecks({ ...checks, [name]: e.currentTarget.checked }),
    params,
    submit: (event) => {
      event.preventDefault()
      const next = new URLSearchParams()
      for (const f of fields) if (form[f]) next.set(f, form[f])
      for (const c of flags) if (checks[c]) next.set(c, 'true')
      location.hash = `#${route}?${next}`
    },
  }
}
