// Reads a service's breakers the two ways an operator would: GET /admin/breakers (bearer token)
// and the bakery.circuit_breaker.state series of its /metrics.
import assert from 'node:assert/strict'

export interface BreakerSnapshot {
  name: string
  state: string
  failures: number
  successes: number
}

export async function breakerOf(
  base: string,
  name: string,
  token: string,
): Promise<BreakerSnapshot | undefined> {
  const response = await fetch(`${base}/admin/breakers`, { headers: { authorization: `Bearer ${token}` } })
  assert.equal(response.status, 200)
  const { breakers } = (await response.json()) as { breakers: BreakerSnapshot[] }
  return breakers.find((b) => b.name === name)
}

/** The state gauge's value for breaker `name` (0 closed, 1 open, 2 half-open, 3 isolated). */
export async function breakerStateMetric(base: string, name: string): Promise<number | undefined> {
  const text = await fetch(`${base}/metrics`).then((r) => r.text())
  const line = new RegExp(
    `^bakery_circuit_breaker_state\\{[^}]*circuit_breaker_name="${name}"[^}]*\\} (\\d)$`,
    'm',
  )
  const value = line.exec(text)?.[1]
  return value === undefined ? undefined : Number(value)
}
