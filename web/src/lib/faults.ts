// The Drills page's fault form: turns what was typed into a fault of the model (PUT /api/faults),
// or the problems that stop it from being sent. The server validates again and names the valid
// values; this only catches what a form can.

export interface FaultFormState {
  target: string
  type: string
  /** `field=value` pairs, comma-separated (e.g. `ms=200, jitterMs=50`). */
  fields: string
  ratePercent: string
  matchKey: string
  matchValue: string
  startAfterS: string
  durationS: string
  /** Hard down: the connection is cut (type `reset` of the inbound seam). */
  down: boolean
}

const number = (text: string) => (text.trim() === '' ? undefined : Number(text))

export function faultBody(form: FaultFormState): { body: Record<string, unknown> } | { problems: string[] } {
  const problems: string[] = []
  const target = form.target.trim()
  if (!/^[a-z][\w-]*(\.[a-z-]+)?$/.test(target)) problems.push('Target must be <service> or <service>.<seam>')
  const type = form.down ? 'reset' : form.type.trim()
  if (type === '') problems.push('Choose a fault type')
  const body: Record<string, unknown> = { target, type }
  for (const pair of form.fields.split(',')) {
    if (pair.trim() === '' || form.down) continue
    const [key = '', value = ''] = pair.split('=').map((s) => s.trim())
    const parsed = Number(value)
    if (!/^[a-zA-Z]+$/.test(key) || value === '' || !Number.isFinite(parsed))
      problems.push(`"${pair.trim()}" is not field=number`)
    else body[key] = parsed
  }
  const rate = number(form.ratePercent)
  if (rate !== undefined) {
    if (!Number.isFinite(rate) || rate < 0 || rate > 100) problems.push('Rate must be 0–100 %')
    else body.rate = rate / 100
  }
  if (form.matchKey !== '' && form.matchValue.trim() !== '')
    body.match = { [form.matchKey]: form.matchValue.trim() }
  const schedule: Record<string, number> = {}
  for (const [name, text] of [
    ['startAfterMs', form.startAfterS],
    ['durationMs', form.durationS],
  ] as const) {
    const seconds = number(text)
    if (seconds === undefined) continue
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400)
      problems.push(`${name === 'durationMs' ? 'Duration' : 'Start after'} must be 0–86400 s`)
    else schedule[name] = Math.round(seconds * 1000)
  }
  if (Object.keys(schedule).length > 0) body.schedule = schedule
  return problems.length > 0 ? { problems } : { body }
}
