// Finds the process that runs a service and talks to its `/admin/faults`. Addresses come from the
// config (each service's port, the worker port); in one process every address answers for every
// service, with separate processes only the owner's does, and a fault is sent only to its owner.

import { adminPortKey, catalogue } from '../catalogue.ts'
import type { Config } from '../config.ts'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { FaultState } from '../platform/faults/index.ts'

export interface ProcessFaults {
  url: string
  services: string[]
  faults: FaultState[]
}

export interface Remote {
  /** Every process reachable at a configured address (each once). */
  processes(): Promise<ProcessFaults[]>
  /** The address of the process running `service`. */
  owner(service: string): Promise<string>
  call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>
}

export function configuredAddresses(config: Config): Map<string, string> {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const addresses = new Map<string, string>()
  for (const definition of catalogue) {
    addresses.set(definition.name, `http://${host}:${config[adminPortKey(definition)]}`)
  }
  return addresses
}

export function createRemote(config: Config, token: string | undefined, urls?: readonly string[]): Remote {
  const byService = configuredAddresses(config)
  const candidates = urls && urls.length > 0 ? [...urls] : [...new Set(byService.values())]
  let cached: Promise<ProcessFaults[]> | undefined

  async function call(url: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    })
    const text = await response.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {}
    return { status: response.status, body: parsed }
  }

  async function probe(url: string): Promise<ProcessFaults | 'refused' | undefined> {
    try {
      const { status, body } = await call(url, 'GET', '/admin/faults')
      if (status === 401) return 'refused'
      if (status !== 200) return undefined
      const answer = body as { services?: string[]; faults?: FaultState[] }
      return { url, services: answer.services ?? [], faults: answer.faults ?? [] }
    } catch {
      return undefined
    }
  }

  const remote: Remote = {
    processes() {
      cached ??= (async () => {
        const answers = await Promise.all(candidates.map(probe))
        const found = answers.filter((p): p is ProcessFaults => typeof p === 'object')
        // Another stack on a configured port may refuse this token: only all-refused is an error.
        if (found.length === 0 && answers.includes('refused')) {
          throw new BakeryError(
            ErrorCode.HTTP_UNAUTHORIZED,
            'the admin token was refused (set BAKERY_ADMIN_TOKEN)',
          )
        }
        // One process answers on several addresses: keep it once (same services).
        const seen = new Set<string>()
        return found.filter((p) => {
          const key = [...p.services].sort().join(',')
          if (seen.has(key)) return false
          seen.add(key)
          return true
        })
      })()
      return cached
    },
    async owner(service) {
      const own = byService.get(service)
      const processes = await remote.processes()
      const owner =
        processes.find((p) => p.url === own && p.services.includes(service)) ??
        processes.find((p) => p.services.includes(service))
      if (!owner) {
        throw new BakeryError(
          ErrorCode.SERVICE_NOT_STARTED,
          `no running process answers for ${service} (tried ${candidates.join(', ')}); start it, or pass --url`,
        )
      }
      return owner.url
    },
    call,
  }
  return remote
}
