// Checks that involve more than one field. A short admin token is fine for a process only this
// machine can reach, but a guessable one on a published port is an open door.

/** HOST values that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export const MIN_EXPOSED_TOKEN_LENGTH = 32

export function crossFieldProblems(values: Record<string, unknown>): string[] {
  const problems: string[] = []
  const token = values.adminToken
  const host = typeof values.host === 'string' ? values.host : ''
  if (typeof token === 'string') {
    if (/\s/.test(token))
      problems.push('BAKERY_ADMIN_TOKEN=[redacted] contains whitespace; allowed: no spaces')
    else if (!isLoopbackHost(host) && token.length < MIN_EXPOSED_TOKEN_LENGTH) {
      problems.push(
        `BAKERY_ADMIN_TOKEN=[redacted] is shorter than ${MIN_EXPOSED_TOKEN_LENGTH} characters while HOST=${host} is not loopback; allowed: ${MIN_EXPOSED_TOKEN_LENGTH}+ characters (e.g. openssl rand -base64 32)`,
      )
    }
  }
  return problems
}
