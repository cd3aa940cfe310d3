// Serves the built web app (web/dist) with long caching for hashed assets. Small on purpose:
// a handful of files, read once and kept in memory.
import { existsSync, readFileSync } from 'node:fs'
import { extname, join, normalize, sep } from 'node:path'
import type { HttpApp } from '../platform/http/index.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
}

export const defaultWebDist = new URL('../../web/dist/', import.meta.url).pathname

const MISSING = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Bakery dashboard</title>
<body style="font-family:sans-serif;padding:2rem"><h1>Bakery dashboard</h1>
<p>The web app is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it).</p>
<p>The API answers under <a href="/api/info">/api</a>.</p></body></html>`

export function registerStaticFiles(app: HttpApp, root: string): void {
  const cache = new Map<string, Buffer>()
  function read(file: string): Buffer | undefined {
    let body = cache.get(file)
    if (!body && existsSync(file)) {
      body = readFileSync(file)
      cache.set(file, body)
    }
    return body
  }
  app.get('/*', async (request, reply) => {
    const path = decodeURIComponent((request.url.split('?')[0] ?? '/').replace(/^\/+/, ''))
    const file = normalize(join(root, path))
    if (path.startsWith('api/') || path.startsWith('v1/')) {
      return reply.code(404).send({ code: 'BKR_HTTP_NOT_FOUND', message: `no route GET ${request.url}` })
    }
    const inside = file.startsWith(root.endsWith(sep) ? root : root + sep)
    const asset = inside && path !== '' ? read(file) : undefined
    if (asset) {
      const immutable = path.startsWith('assets/')
      return reply
        .type(TYPES[extname(file)] ?? 'application/octet-stream')
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(asset)
    }
    // A missing asset is a 404 (an HTML page in its place would break the app confusingly);
    // every other path is a client-side route and loads index.html.
    if (extname(path) !== '') {
      return reply.code(404).send({ code: 'BKR_HTTP_NOT_FOUND', message: `no file ${path}` })
    }
    const index = read(join(root, 'index.html'))
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(index ?? MISSING)
  })
}
