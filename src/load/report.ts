// Human-readable output of a run: a one-line progress (a bar on a terminal, plain lines in logs)
// and the end-of-run summary.
import type { LatencySummary } from './histogram.ts'
import type { LoadProgress, LoadSummary } from './run.ts'
import { isTargetName } from './target.ts'
import { createTarget } from './targets.ts'

const n = (value: number) => value.toLocaleString('en-US')
const ms = (h: LatencySummary | null) =>
  h ? `p50 ${h.p50}  p90 ${h.p90}  p99 ${h.p99}  p99.9 ${h.p999}  max ${h.max}  (mean ${h.mean})` : 'n/a'
const counts = (c: Readonly<Record<string, number>>) =>
  Object.keys(c).length === 0
    ? 'none'
    : Object.entries(c)
        .map(([k, v]) => `${k}: ${n(v)}`)
        .join(', ')

/** `[#####.....]  12/30 s  1,234/s  err 0  p99 45 ms  in flight 64` */
export function formatProgress(p: LoadProgress, width = 24): string {
  const figures = `${n(p.accepted)} ok  ${n(p.ratePerSec)}/s  err ${n(p.errors)}  p99 ${p.p99Ms} ms  in flight ${p.inFlight}`
  if (p.phase === 'done' && p.tracked === 0) return `done  ${n(p.accepted)} ok  err ${n(p.errors)}`
  if (p.phase === 'drain' || p.phase === 'done') {
    const share = p.tracked > 0 ? p.finished / p.tracked : 1
    const filled = Math.round(share * width)
    return `${p.phase === 'done' ? 'done ' : 'drain'} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n(p.finished)}/${n(p.tracked)} finished`
  }
  const share = p.loadMs > 0 ? Math.min(1, p.elapsedMs / p.loadMs) : 1
  const filled = Math.round(share * width)
  const seconds = `${Math.floor(p.elapsedMs / 1000)}/${Math.round(p.loadMs / 1000)} s`
  return `${p.phase === 'warmup' ? 'warm ' : 'load '} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${seconds}  ${figures}`
}

export function formatSummary(s: LoadSummary): string {
  const shape =
    s.mode === 'open'
      ? `open loop ${n(s.rate ?? 0)}/s`
      : `closed loop ${s.vus} users${s.thinkMs ? ` thinking ${s.thinkMs} ms` : ''}`
  const lines = [
    `bakery load  ${s.target} at ${s.url}  ${shape}  ${s.connections} connections`,
    `window       ${s.durationS} s${s.warmupS ? ` after ${s.warmupS} s warmup` : ''}${s.rampS ? `, ramp ${s.rampS} s` : ''}${s.stoppedEarly ? ' (stopped early)' : ''}`,
    `accepted     ${n(s.accepted)} of ${n(s.sent)} sent = ${n(s.acceptedPerSec)}/s${s.warmupAccepted ? `   (+${n(s.warmupAccepted)} in warmup)` : ''}`,
    `errors       ${counts(s.errors)}${s.warmupErrors ? `   (+${n(s.warmupErrors)} in warmup)` : ''}${s.dropped ? `   dropped ${n(s.dropped)} (too many in flight)` : ''}`,
    `accept ms    ${ms(s.acceptMs)}   from the ${s.latencyFrom === 'intended' ? 'intended send time' : 'send'}`,
  ]
  lines.push(...completionLines(s), ...unitLines(s))
  lines.push(
    `cpu          load generator ${s.cpu.loadCores} core = ${s.cpu.loadSharePct}% of ${s.cpu.cores} cores; machine ${s.cpu.machineBusyPct}% busy`,
    `result       ${s.ok ? 'OK' : 'NOT OK'}`,
  )
  return lines.join('\n')
}

function completionLines(s: LoadSummary): string[] {
  const c = s.completion
  const follow = isTargetName(s.target) ? createTarget(s.target).follow : null
  if (!c || !follow) return []
  const done = follow.doneLabel
  const path = s.target === 'coffee' ? 'the Location' : 'GET /orders/:key'
  return [
    `${done.padEnd(12)} ${n(c.finished)} of ${n(c.tracked)} followed${c.untracked ? ` (+${n(c.untracked)} not followed)` : ''}${c.declined === undefined ? '' : `   declined ${n(c.declined)}`}   lost ${n(c.lost)}${c.lostNotFound ? ` (${n(c.lostNotFound)} answer 404)` : ''}${c.unverified ? `   unverified ${n(c.unverified)} (aborted)` : ''}   wrong body ${n(c.wrongBody)}`,
    `drain        ${c.drainS} s, ${n(c.polls)} GETs${Object.keys(c.pollErrors).length ? `, poll errors ${counts(c.pollErrors)}` : ''}${c.backlogS === null ? '' : `; last order ${done} ${c.backlogS} s after the load`}`,
    `e2e ms       ${c.e2eServerMs ? `${ms(c.e2eServerMs)}   ${follow.endField} - ${follow.startField}` : `n/a (no ${follow.endField} in ${path})`}`,
    // Not a latency: the drain polls only after the load, so this includes the rest of the window.
    `polled ms    ${ms(c.e2eObservedMs)}   time from accept to ${done} seen by polling (polling starts after the load: not a latency)`,
  ]
}

function unitLines(s: LoadSummary): string[] {
  const lines: string[] = []
  const w = s.walk
  if (w)
    lines.push(
      `walk         ${n(w.pages)} pages = ${n(w.pagesPerSec)}/s, ${n(w.albums)} albums = ${n(w.albumsPerSec)}/s   ${n(w.walkers)} walkers, deepest page ${n(w.deepestPage)}, ${n(w.laps)} laps`,
    )
  const e = s.events
  if (e) lines.push(`events       ${n(e.count)} = ${n(e.perSec)}/s in batches of ${n(e.batch)}`)
  return lines
}
