import assert from 'node:assert/strict'
import { test } from 'node:test'
import { albumsTarget, nextLinkPath } from './album-walk.ts'

test('nextLinkPath finds rel="next" among several links, quoted or not, relative or absolute', () => {
  assert.equal(
    nextLinkPath('</albums?limit=2&cursor=eyJ9>; rel="next"', '/albums?limit=2'),
    '/albums?limit=2&cursor=eyJ9',
  )
  assert.equal(
    nextLinkPath('</albums?limit=2>; rel="first", </albums?cursor=b>; rel=next', '/albums'),
    '/albums?cursor=b',
  )
  assert.equal(
    nextLinkPath(['<https://x.test/albums?cursor=c>; rel="last next"'], '/albums'),
    '/albums?cursor=c',
  )
  assert.equal(nextLinkPath('<?cursor=d>; rel="next"', '/albums?limit=5'), '/albums?cursor=d')
})

test('nextLinkPath gives nothing when no link is rel="next"', () => {
  assert.equal(nextLinkPath(undefined, '/albums'), undefined)
  assert.equal(nextLinkPath('', '/albums'), undefined)
  assert.equal(nextLinkPath('</albums>; rel="prev"', '/albums'), undefined)
  assert.equal(nextLinkPath('</albums>; rel="nextish"', '/albums'), undefined)
})

test('album walker follows next links, repeats a failed page and starts over after the last page', () => {
  const user = albumsTarget(2).user()
  const page = (link?: string) =>
    ['[{"id":1},{"id":2}]', link ? { link: `<${link}>; rel="next"` } : {}] as const
  assert.equal(user.next(Math.random).path, '/albums?limit=2')
  assert.deepEqual(user.check(200, ...page('/albums?limit=2&cursor=a')), {
    ok: true,
    items: 2,
    page: 1,
    lastPage: false,
  })
  assert.equal(user.next(Math.random).path, '/albums?limit=2&cursor=a')
  assert.deepEqual(user.check(503, '', {}), { ok: false, error: '503' })
  assert.equal(user.next(Math.random).path, '/albums?limit=2&cursor=a')
  assert.deepEqual(user.check(200, ...page()), { ok: true, items: 2, page: 2, lastPage: true })
  assert.equal(user.next(Math.random).path, '/albums?limit=2')
  assert.deepEqual(user.check(200, '{"not":"a page"}', {}), { ok: false, error: '200 without an array' })
})

test('album walkers walk apart: each user has its own place in the catalogue', () => {
  const target = albumsTarget(2)
  const first = target.user()
  const second = target.user()
  first.check(200, '[]', { link: '</albums?cursor=z>; rel="next"' })
  assert.equal(first.next(Math.random).path, '/albums?cursor=z')
  assert.equal(second.next(Math.random).path, '/albums?limit=2')
})
