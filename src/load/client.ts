// The load generator's HTTP side: one undici Pool of keep-alive connections (no new connection
// per request, no pipelining, so each connection carries one request at a time as a browser or
// k6 would), bodies read as text, socket failures turned into an error code instead of a throw.
import { Pool } from 'undici'
import type { LoadRequest } from './target.ts'

export type Reply =
  | {
      readonly status: number
      readonly body: string
      readonly headers: Record<string, string | string[] | undefined>
    }
  | { readonly status: undefined; readonly error: string }

export interface LoadClient {
  send(request: Pick<LoadRequest, 'method' | 'path' | 'body' | 'contentType'>): Promise<Reply>
  close(): Promise<void>
}

export interface ClientOptions {
  readonly connections: number
  readonly timeoutMs: number
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown }
    if (typeof code === 'string') return code
    if (typeof name === 'string') return name
  }
  return 'ERROR'
}

export function createLoadClient(url: string, options: ClientOptions): LoadClient {
  const base = new URL(url)
  const prefix = base.pathname.replace(/\/+$/, '')
  const pool = new Pool(base.origin, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  })
  const jsonHeaders = new Map<string, Record<string, string>>()
  const headersFor = (contentType: string) => {
    let headers = jsonHeaders.get(contentType)
    if (!headers) {
      headers = { 'content-type': contentType }
      jsonHeaders.set(contentType, headers)
    }
    return headers
  }
  return {
    async send(request) {
      try {
        const response = await pool.request({
          method: request.method,
          path: prefix + request.path,
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(request.contentType === undefined ? {} : { headers: headersFor(request.contentType) }),
        })
        const body = await response.body.text()
        return { status: response.statusCode, body, headers: response.headers }
      } catch (error) {
        return { status: undefined, error: errorCode(error) }
      }
    },
    async close() {
      await pool.close()
    },
  }
}
