// Redis `notify-keyspace-events` is one server-wide string shared by every client of the server,
// so we add the flags we need to what is set rather than overwrite another user's choice.

/** `A` is the alias Redis documents for the classes `g$lshzxetd`. */
const ALIAS_ALL = 'g$lshzxetd'

/**
 * Returns the flag string to set so `current` also has every flag in `needed`, or undefined
 * when nothing is missing.
 */
export function mergeNotifyFlags(current: string, needed: string): string | undefined {
  const have = new Set(current.replaceAll('A', ALIAS_ALL))
  const missing = [...needed].filter((flag) => !have.has(flag))
  if (missing.length === 0) return undefined
  return current + missing.join('')
}
