// Calls to the dashboard API. Errors carry the server's message so pages can show it.
export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.status = status
  }
}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init)
  const text = await res.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!res.ok) {
    const message = (body as { message?: string } | undefined)?.message ?? `${res.status} ${res.statusText}`
    throw new ApiError(res.status, message)
  }
  return body as T
}

export function postJson<T>(path: string, payload: unknown): Promise<T> {
  return api<T>(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  })
}
