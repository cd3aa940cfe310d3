// RFC 7240 `Prefer: wait=N`: how long the client is willing to wait for the final answer.
// A preference is a hint: an unreadable one is ignored (not an error), a long one is capped.

export const MAX_WAIT_SECONDS = 30

/** The wait in seconds the request asks for (capped at 30), or undefined when it asks none. */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header]
  for (const value of values) {
    for (const preference of value.split(',')) {
      const [token = ''] = preference.split(';')
      const eq = token.indexOf('=')
      if (eq < 0 || token.slice(0, eq).trim().toLowerCase() !== 'wait') continue
      const raw = token
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
      if (!/^\d{1,9}$/.test(raw)) return undefined
      return Math.min(Number(raw), MAX_WAIT_SECONDS)
    }
  }
  return undefined
}
