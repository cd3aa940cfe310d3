// AMQP topic matching: words separated by dots, `*` matches exactly one word, `#` zero or more.

export function topicMatcher(pattern: string): (routingKey: string) => boolean {
  const words = pattern.split('.')
  return (routingKey) => match(words, 0, routingKey.split('.'), 0)
}

function match(pattern: readonly string[], p: number, key: readonly string[], k: number): boolean {
  if (p === pattern.length) return k === key.length
  const word = pattern[p]
  if (word === '#') {
    for (let skip = k; skip <= key.length; skip++) if (match(pattern, p + 1, key, skip)) return true
    return false
  }
  if (k === key.length) return false
  return (word === '*' || word === key[k]) && match(pattern, p + 1, key, k + 1)
}

export function deadLetterName(queue: string): string {
  return `${queue}.dead`
}
