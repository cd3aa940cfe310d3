// Text a database cannot store is a client's mistake, so it is refused at the edge with a 400
// naming the field, before any route or store sees it: NUL (PostgreSQL text cannot hold it) and
// unpaired UTF-16 surrogates (not Unicode; they would be stored as U+FFFD). Bodies nested past
// MAX_DEPTH are refused too, so no validator recurses as deep as a client likes.
import type { FastifyRequest } from 'fastify'
import { BakeryError, ErrorCode } from '../errors.ts'
import type { FieldProblem } from './error-handler.ts'

export const MAX_DEPTH = 64
const MAX_NODES = 100_000
// With the u flag a surrogate pair is one code point, so \p{Cs} matches only an unpaired half.
const LONE_SURROGATE = /\p{Cs}/u

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL (\\u0000) characters'
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no unpaired surrogates)'
  return undefined
}

function isParsedJson(item: object): boolean {
  if (Array.isArray(item)) return true
  const proto = Object.getPrototypeOf(item)
  return proto === Object.prototype || proto === null
}

/** The first problem in `value`, walked without recursion; `root` names the part (body, query). */
export function unstorableInput(value: unknown, root: string): FieldProblem | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]]
  let nodes = 0
  while (stack.length > 0) {
    const [item, at, depth] = stack.pop() as [unknown, string, number]
    const path = at || root
    if (++nodes > MAX_NODES) return { field: root, message: `has more than ${MAX_NODES} values` }
    if (typeof item === 'string') {
      const message = textProblem(item)
      if (message) return { field: path, message }
      continue
    }
    // Only parsed JSON is walked: a route that streams its own body (an upload) gets the stream.
    if (item === null || typeof item !== 'object' || !isParsedJson(item)) continue
    if (depth >= MAX_DEPTH) return { field: path, message: `nests deeper than ${MAX_DEPTH} levels` }
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${at}[${i}]`, depth + 1])
      continue
    }
    for (const [key, child] of Object.entries(item)) {
      const keyProblem = textProblem(key)
      if (keyProblem) return { field: path, message: `has a key that ${keyProblem}` }
      stack.push([child, at ? `${at}.${key}` : key, depth + 1])
    }
  }
  return undefined
}

/**
 * A raw body (routes that parse their own JSON) is parsed here only when it holds a `\u` escape:
 * NUL and lone surrogates can reach a JSON string no other way, so most bodies cost one indexOf.
 */
function rawBodyValue(body: Buffer | string): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  if (!text.includes('\\u')) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined // not JSON: the route says so itself
  }
}

// OTLP ingest keeps what the SDKs send; its own reader caps sizes and depth.
const RAW_PATHS = /^\/v1\//

export async function guardInput(request: FastifyRequest): Promise<void> {
  if (RAW_PATHS.test(request.url)) return
  const body = request.body
  const bodyValue = typeof body === 'string' || Buffer.isBuffer(body) ? rawBodyValue(body) : body
  const problem =
    unstorableInput(request.query, 'query') ??
    unstorableInput(request.params, 'params') ??
    unstorableInput(bodyValue, 'body')
  if (problem) {
    throw new BakeryError(ErrorCode.HTTP_VALIDATION, `${problem.field} ${problem.message}`, {
      status: 400,
      details: [problem],
    })
  }
}
