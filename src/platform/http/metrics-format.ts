// Which text format GET /metrics answers in. Prometheus asks for OpenMetrics first (its Accept
// lists application/openmetrics-text before text/plain; version=0.0.4) and only OpenMetrics
// carries exemplars; every other client keeps getting the Prometheus text it always got.

/** OpenMetrics versions whose 1.0.0 text a client can read (0.0.1 is the pre-release name). */
const OPENMETRICS_VERSIONS = new Set(['1.0.0', '0.0.1'])

interface MediaRange {
  type: string
  version: string | undefined
  q: number
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = []
  for (const part of header.split(',')) {
    const [type = '', ...parameters] = part.split(';').map((p) => p.trim())
    let version: string | undefined
    let q = 1
    for (const parameter of parameters) {
      const [name = '', value = ''] = parameter.split('=').map((p) => p.trim().replace(/^"|"$/g, ''))
      if (name.toLowerCase() === 'version') version = value
      else if (name.toLowerCase() === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0
    }
    ranges.push({ type: type.toLowerCase(), version, q })
  }
  return ranges
}

/** True when the Accept header prefers OpenMetrics text (at least as much as Prometheus text). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false
  let openMetrics = 0
  let plain = 0
  for (const range of parseAccept(accept)) {
    if (range.type === 'application/openmetrics-text') {
      if (range.version === undefined || OPENMETRICS_VERSIONS.has(range.version))
        openMetrics = Math.max(openMetrics, range.q)
    } else if (range.type === 'text/plain') plain = Math.max(plain, range.q)
  }
  return openMetrics > 0 && openMetrics >= plain
}
