// The dashboard's JSON API as the MCP tools call it: the span store, metrics, logs and the
// incident runner live in the dashboard's process, so `bakery mcp` forwards every tool to it.
import { BakeryError, ErrorCode, errorMessage } from '../platform/errors.ts'

export interface DashboardClient {
  get(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<unknown>
  post(path: string, body?: unknown): Promise<unknown>
}

export function createDashboardClient(base: URL, headers: Record<string, string> = {}): DashboardClient {
  async function send(method: string, url: URL, body?: unknown): Promise<unknown> {
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      throw new BakeryError(
        ErrorCode.DASHBOARD_UPSTREAM,
        `the dashboard at ${base.href} is not reachable: ${errorMessage(error)}`,
        {
          cause: error,
        },
      )
    }
    const parsed = (await response.json().catch(() => ({}))) as { message?: string }
    if (!response.ok) {
      throw new BakeryError(
        ErrorCode.DASHBOARD_UPSTREAM,
        parsed.message ?? `the dashboard answered ${response.status}`,
        {
          status: response.status,
        },
      )
    }
    return parsed
  }
  return {
    get(path, query = {}) {
      const url = new URL(path, base)
      for (const [key, value] of Object.entries(query))
        if (value !== undefined) url.searchParams.set(key, String(value))
      return send('GET', url)
    },
    post: (path, body) => send('POST', new URL(path, base), body ?? {}),
  }
}
