// Summarises V8 CPU profiles (.cpuprofile from node --cpu-prof): self time by function and by
// package, so a benchmark run can say where the time went without opening a flame graph viewer.
//   node bench/profile-summary.ts bench/results/profiles/traced-1-*.cpuprofile [--top 25] [--skip 8] [--until 20]
// --skip drops the first seconds of each profile (start-up: module loading, migrations) so the
// summary shows the steady state under load (--until cuts off what follows, e.g. the drain's
// polling); idle time is left out of the percentages.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    skip: { type: 'string', default: '0' },
    until: { type: 'string', default: 'Infinity' },
  },
})

function packageOf(url: string): string {
  if (!url) return '(native/idle/gc)'
  const nm = url.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/')
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  if (url.startsWith('node:')) return 'node (core)'
  const src = url.indexOf('/src/')
  return src >= 0
    ? url
        .slice(src + 1)
        .split('/')
        .slice(0, 3)
        .join('/')
    : url
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  const skipUs = Number(values.skip) * 1e6
  const untilUs = Number(values.until) * 1e6
  let elapsedUs = 0
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0
    elapsedUs += delta
    if (elapsedUs < skipUs || elapsedUs > untilUs) return
    if (byId.get(id)?.callFrame.functionName === '(idle)') return
    self.set(id, (self.get(id) ?? 0) + delta)
  })
  let total = 0
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  for (const [id, us] of self) {
    const node = byId.get(id)
    if (!node) continue
    total += us
    const { functionName, url, lineNumber } = node.callFrame
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/src\//, 'src/')}:${lineNumber + 1}` : ''}`
    byFunction.set(name, (byFunction.get(name) ?? 0) + us)
    const pkg = ['(idle)', '(program)', '(garbage collector)'].includes(functionName)
      ? functionName
      : packageOf(url)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us)
  }
  const top = Number(values.top)
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s busy sampled\n\nself time by package`)
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(v)}  ${k}`)
  console.log('\nself time by function')
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${pct(v)}  ${k}`)
}
