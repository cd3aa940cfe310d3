// A strict reader of OpenMetrics 1.0 text for tests: it throws on what the spec forbids
// (interleaved or repeated families, a sample that is not its family's, no `# EOF`, an exemplar
// over 128 characters of labels) and returns the families with their samples and exemplars.

export interface Exemplar {
  labels: Record<string, string>
  value: number
  timestamp: number | undefined
}

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
  exemplar: Exemplar | undefined
}

export interface Family {
  name: string
  type: string
  help: string | undefined
  samples: Sample[]
}

const SUFFIXES: Record<string, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  info: ['_info'],
  unknown: [''],
}
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABELS = '\\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\.)*",?)*\\}'
const SAMPLE = new RegExp(`^(${NAME})(${LABELS})? (\\S+)(?: (\\S+))?(?: # (${LABELS}) (\\S+)(?: (\\S+))?)?$`)

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {}
  if (!text) return labels
  for (const match of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    const name = match[1] as string
    if (name in labels) throw new Error(`label ${name} repeated in ${text}`)
    labels[name] = (match[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
  }
  return labels
}

function parseNumber(text: string): number {
  if (/^[+-]?inf(inity)?$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (/^nan$/i.test(text)) return Number.NaN
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) throw new Error(`not a number: ${text}`)
  return Number(text)
}

export function parseOpenMetrics(text: string): Family[] {
  if (!text.endsWith('# EOF\n') && !text.endsWith('# EOF'))
    throw new Error('exposition does not end with # EOF')
  const lines = text.replace(/\n$/, '').split('\n')
  if (lines.pop() !== '# EOF') throw new Error('# EOF is not the last line')
  const families: Family[] = []
  const seen = new Set<string>()
  let current: Family | undefined
  const open = (name: string) => {
    if (current?.name === name) return current
    if (seen.has(name)) throw new Error(`family ${name} is interleaved or repeated`)
    seen.add(name)
    current = { name, type: 'unknown', help: undefined, samples: [] }
    families.push(current)
    return current
  }
  for (const line of lines) {
    if (line.includes('\r')) throw new Error('carriage return in exposition')
    const meta = /^# (TYPE|HELP|UNIT) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      const family = open(meta[2] as string)
      if (family.samples.length > 0) throw new Error(`metadata after samples of ${family.name}`)
      if (meta[1] === 'TYPE') family.type = meta[3] as string
      if (meta[1] === 'HELP') family.help = meta[3]
      if (meta[1] === 'UNIT' && !family.name.endsWith(`_${meta[3]}`))
        throw new Error(`unit ${meta[3]} is not a suffix of ${family.name}`)
      continue
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment line: ${line}`)
    const match = SAMPLE.exec(line)
    if (!match) throw new Error(`not a sample line: ${line}`)
    const name = match[1] as string
    const family = current
    const suffix = family && name.startsWith(family.name) ? name.slice(family.name.length) : undefined
    if (!family || suffix === undefined || !(SUFFIXES[family.type] ?? ['']).includes(suffix))
      throw new Error(`sample ${name} does not belong to family ${family?.name} (${family?.type})`)
    let exemplar: Exemplar | undefined
    if (match[5]) {
      if (suffix !== '_bucket' && suffix !== '_total')
        throw new Error(`exemplar on ${name}: only buckets and counters`)
      const labels = parseLabels(match[5])
      const size = Object.entries(labels).reduce((n, [k, v]) => n + [...k].length + [...v].length, 0)
      if (size > 128) throw new Error(`exemplar labels of ${size} characters: ${line}`)
      exemplar = {
        labels,
        value: parseNumber(match[6] as string),
        timestamp: match[7] === undefined ? undefined : parseNumber(match[7]),
      }
    }
    family.samples.push({
      name,
      labels: parseLabels(match[2]),
      value: parseNumber(match[3] as string),
      exemplar,
    })
  }
  return families
}
