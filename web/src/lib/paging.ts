// Query strings for cursor-paged lists: empty values are left out, so the service's defaults apply.
export function pageQuery(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  return q.toString()
}

/** The cursor of an RFC 8288 `Link: <…?cursor=X>; rel="next"` header, if there is a next page. */
export function nextCursorFromLink(link: string | null): string | undefined {
  if (!link) return undefined
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part)
    if (!match?.[1]) continue
    const query = match[1].includes('?') ? match[1].slice(match[1].indexOf('?') + 1) : ''
    return new URLSearchParams(query).get('cursor') ?? undefined
  }
  return undefined
}
