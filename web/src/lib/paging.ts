// Query strings for cursor-paged lists: empty values are left out, so the service's defaults apply.
export function pageQuery(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  return q.toString()
}
