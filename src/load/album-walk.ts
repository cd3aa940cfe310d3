// Album pages (seed albums, :9080): each virtual user walks the whole catalogue as a client would,
// GET /albums?limit=N, then the page its RFC 8288 `Link: <…>; rel="next"` header names (the store's
// keyset cursor), and starts over from the first page when a page has no next link. A failed page
// is asked for again, so a user never skips one.
import { parseJson, type Target, type TargetUser } from './target.ts'

const LINK_VALUE = /<([^>]*)>([^<]*)/g
const REL = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i

/**
 * The path of the `rel="next"` link, resolved against the page it came from. Only path and query
 * are kept: the walk stays on the load's base URL (the link is relative anyway, so that it also
 * holds behind the album proxy).
 */
export function nextLinkPath(header: string | string[] | undefined, from: string): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header
  if (!text) return undefined
  for (const [, target, params] of text.matchAll(LINK_VALUE)) {
    const rel = REL.exec(params ?? '')
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)
    if (!rels.includes('next') || target === undefined) continue
    try {
      const url = new URL(target, `http://target${from}`)
      return url.pathname + url.search
    } catch {
      return undefined
    }
  }
  return undefined
}

function walker(firstPage: string): TargetUser {
  let path = firstPage
  let page = 1
  return {
    next: () => ({ method: 'GET', path }),
    check(status, body, headers) {
      if (status !== 200) return { ok: false, error: String(status) }
      const albums = parseJson(body)
      if (!Array.isArray(albums)) return { ok: false, error: '200 without an array' }
      const next = nextLinkPath(headers.link, path)
      const verdict = { ok: true as const, items: albums.length, page, lastPage: next === undefined }
      path = next ?? firstPage
      page = next === undefined ? 1 : page + 1
      return verdict
    },
  }
}

export function albumsTarget(pageSize: number): Target {
  const firstPage = `/albums?limit=${pageSize}`
  return {
    name: 'albums',
    defaultPort: 9080,
    follow: null,
    unit: 'albums',
    user: () => walker(firstPage),
  }
}
