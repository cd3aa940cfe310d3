// The flat fault body (`{ errorRate, latencyMs, jitterMs, down, slowDripMs, durationMs }` per
// target) works too: it is translated into faults of the model, so both forms act the same way.
import { FAULT_SERVICES, type Seam } from './model.ts'

export const LEGACY_FIELDS = [
  'errorRate',
  'latencyMs',
  'jitterMs',
  'down',
  'slowDripMs',
  'durationMs',
] as const

export function isLegacyBody(body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'type' in body) return false
  return Object.keys(body).some((key) => (LEGACY_FIELDS as readonly string[]).includes(key))
}

export interface LegacyChange {
  /** Faults to set (model bodies, validated by the caller). */
  set: Record<string, unknown>[]
  /** Types to clear on a target (a setting turned off: 0 or false). */
  clear: { target: string; type: string }[]
  problems: string[]
}

/** Translates one legacy body for `target` (a bare service name). */
export function translateLegacy(body: Record<string, unknown>, defaultTarget: string): LegacyChange {
  const change: LegacyChange = { set: [], clear: [], problems: [] }
  const target = typeof body.target === 'string' ? body.target : defaultTarget
  const info = FAULT_SERVICES[target]
  for (const key of Object.keys(body)) {
    if (key !== 'target' && key !== 'by' && !(LEGACY_FIELDS as readonly string[]).includes(key)) {
      change.problems.push(`${key} is not a fault setting; valid: target, by, ${LEGACY_FIELDS.join(', ')}`)
    }
  }
  if (!info) {
    change.problems.push(
      `target "${target}": unknown service; valid: ${Object.keys(FAULT_SERVICES).join(', ')}`,
    )
    return change
  }
  // A worker has no inbound HTTP: its failures and slowness are those of the messages it handles.
  const seam: Seam = info.seams.includes('http') ? 'http' : 'queue'
  const schedule =
    typeof body.durationMs === 'number' && body.durationMs > 0 ? { durationMs: body.durationMs } : undefined
  const by = typeof body.by === 'string' ? body.by : undefined
  const put = (type: string, on: boolean, fields: Record<string, unknown>) => {
    const at = `${target}.${seam}`
    if (on)
      change.set.push({
        target: at,
        type,
        ...fields,
        ...(schedule ? { schedule } : {}),
        ...(by ? { by } : {}),
      })
    else change.clear.push({ target: at, type })
  }
  const number = (key: string) => body[key]
  if ('errorRate' in body) {
    const rate = number('errorRate')
    put(seam === 'http' ? 'error' : 'redeliver', rate !== 0, { rate })
  }
  if ('latencyMs' in body || 'jitterMs' in body) {
    const ms = number('latencyMs') ?? 0
    const jitterMs = number('jitterMs') ?? 0
    if (seam === 'http') put('latency', ms !== 0 || jitterMs !== 0, { ms, jitterMs })
    else put('slow-ack', ms !== 0, { ms })
  }
  if ('down' in body) {
    if (typeof body.down !== 'boolean') change.problems.push('down must be true or false')
    else if (seam === 'http') put('reset', body.down, {})
    else put('consumer-stall', body.down, {})
  }
  if ('slowDripMs' in body && seam !== 'http')
    change.problems.push(`slowDripMs needs an HTTP service; ${target} has none`)
  else if ('slowDripMs' in body) put('slow-drip', number('slowDripMs') !== 0, { ms: number('slowDripMs') })
  return change
}
