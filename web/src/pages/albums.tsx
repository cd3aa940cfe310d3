import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../api.ts'
import { nextCursorFromLink, pageQuery } from '../lib/paging.ts'

interface Album {
  id: number
  title: string
  artist: string
  price: number
}

const PAGE = 10

/** The album catalog through the album proxy, paged with the store's Link header cursors. */
export function AlbumsPage() {
  const [artist, setArtist] = useState('')
  const [filter, setFilter] = useState('')
  const [cursors, setCursors] = useState<string[]>([])
  const [page, setPage] = useState<{ albums: Album[]; next: string | undefined }>()
  const [error, setError] = useState<string>()
  const cursor = cursors.at(-1)

  useEffect(() => {
    let live = true
    const load = async () => {
      const res = await fetch(`/api/svc/albums/albums?${pageQuery({ limit: PAGE, cursor, artist: filter })}`)
      const body = await res.json()
      if (!res.ok) throw new ApiError(res.status, body?.message ?? res.statusText)
      if (live) {
        setPage({ albums: body as Album[], next: nextCursorFromLink(res.headers.get('link')) })
        setError(undefined)
      }
    }
    load().catch((e: Error) => live && setError(e.message))
    return () => {
      live = false
    }
  }, [cursor, filter])

  return (
    <>
      <h1>Albums</h1>
      <form
        class="card search"
        aria-label="Filter albums"
        onSubmit={(e) => {
          e.preventDefault()
          setCursors([])
          setFilter(artist.trim())
        }}
      >
        <label>
          Artist
          <input
            name="artist"
            value={artist}
            placeholder="John Coltrane"
            onInput={(e) => setArtist(e.currentTarget.value)}
          />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <section class="card" aria-labelledby="albums-title">
        <h2 id="albums-title">Catalog</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Title</th>
              <th scope="col">Artist</th>
              <th scope="col" class="num">
                Price
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.albums.map((a) => (
              <tr key={a.id}>
                <td>{a.id}</td>
                <td>{a.title}</td>
                <td>{a.artist}</td>
                <td class="num">{a.price.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <nav class="pager" aria-label="Album pages">
          <button
            type="button"
            disabled={cursors.length === 0}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            ← Previous
          </button>
          <span class="muted small" data-testid="album-page">
            page {cursors.length + 1}
          </span>
          <button
            type="button"
            disabled={!page?.next}
            onClick={() => page?.next && setCursors([...cursors, page.next])}
          >
            Next →
          </button>
        </nav>
      </section>
    </>
  )
}
