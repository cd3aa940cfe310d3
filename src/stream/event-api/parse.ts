// Request bodies of the event API. Everything is validated before anything is produced, so a
// bad event rejects the whole batch and nothing of it is half-written.
import { encodeEvents, parseEvent, type StreamEvent, toEvent } from '../event.ts'

export type ParsedBody = { ok: true; events: { value: Buffer }[] } | { ok: false; message: string }

const LINES = new Set(['application/text', 'text/plain', 'application/x-ndjson', 'application/jsonl'])

export function parseBody(contentType: string | undefined, body: unknown, maxEvents: number): ParsedBody {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  const text = typeof body === 'string' ? body : ''
  if (type === 'application/json') return parseArray(text, maxEvents)
  if (LINES.has(type)) return parseLines(text, maxEvents)
  return { ok: false, message: `unsupported content type ${contentType ?? '(none)'}` }
}

function tooMany(count: number, max: number): ParsedBody {
  return { ok: false, message: `batch has ${count} events; at most ${max} are accepted per request` }
}

function parseArray(text: string, maxEvents: number): ParsedBody {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, message: `body is not valid JSON: ${(error as Error).message}` }
  }
  if (!Array.isArray(value)) return { ok: false, message: 'body must be a JSON array of events' }
  if (value.length > maxEvents) return tooMany(value.length, maxEvents)
  const events: StreamEvent[] = []
  for (let index = 0; index < value.length; index++) {
    const parsed = toEvent(value[index])
    if (!parsed.ok) return { ok: false, message: `event ${index + 1} (line ${index + 1}): ${parsed.reason}` }
    events.push(parsed.event)
  }
  return encoded(events)
}

function parseLines(text: string, maxEvents: number): ParsedBody {
  const lines = text.split('\n')
  const count = lines.filter((l) => l.trim() !== '').length
  if (count > maxEvents) return tooMany(count, maxEvents)
  const events: StreamEvent[] = []
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '') continue
    const parsed = parseEvent(line)
    if (!parsed.ok) return { ok: false, message: `line ${index + 1}: ${parsed.reason}` }
    events.push(parsed.event)
  }
  return encoded(events)
}

function encoded(events: readonly StreamEvent[]): ParsedBody {
  return { ok: true, events: encodeEvents(events).map((value) => ({ value })) }
}
