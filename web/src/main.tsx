import { render } from 'preact'
import { usePoll, useRoute } from './hooks.ts'
import type { Info } from './lib/types.ts'
import { AlbumsPage } from './pages/albums.tsx'
import { CoffeePage } from './pages/coffee.tsx'
import { DrillsPage } from './pages/drills.tsx'
import { IncidentsPage } from './pages/incidents.tsx'
import { LoadPage } from './pages/load.tsx'
import { LogsPage } from './pages/logs.tsx'
import { OrderPage } from './pages/order.tsx'
import { OrdersPage } from './pages/orders.tsx'
import { RunsPage } from './pages/runs.tsx'
import { SignalsPage } from './pages/signals.tsx'
import { StreamPage } from './pages/stream.tsx'
import { TracePage } from './pages/trace.tsx'
import { TracesPage } from './pages/traces.tsx'
import './styles.css'

function App() {
  const { path, query } = useRoute()
  const info = usePoll<Info>('/api/info', 10_000).data
  const links = [
    { href: '#/orders', label: 'Orders', show: info?.panels.reception !== false },
    { href: '#/stream', label: 'Stream', show: info?.panels.aggregator === true },
    { href: '#/albums', label: 'Albums', show: info?.panels.albums === true },
    { href: '#/coffee', label: 'Coffee', show: info?.panels.coffee === true },
    {
      href: '#/drills',
      label: 'Drills',
      show: info?.panels.coffee === true || info?.panels.reception === true || info?.panels.albums === true,
    },
    { href: '#/load', label: 'Load', show: info?.panels.load === true },
    { href: '#/incidents', label: 'Incidents', show: true },
    { href: '#/traces', label: 'Traces', show: true },
    { href: '#/logs', label: 'Logs', show: info?.traces.store != null },
    { href: '#/signals', label: 'Signals', show: info?.traces.store != null },
    { href: '#/runs', label: 'Runs', show: info?.traces.store != null },
  ].filter((l) => l.show)
  const section = `/${path.split('/')[1] ?? ''}`
  let page = <OrdersPage />
  if (path.startsWith('/orders/')) page = <OrderPage orderKey={decodeURIComponent(path.slice(8))} />
  else if (path === '/stream') page = <StreamPage />
  else if (path === '/albums') page = <AlbumsPage />
  else if (path === '/coffee') page = <CoffeePage />
  else if (path === '/drills') page = <DrillsPage info={info} />
  else if (path === '/load') page = <LoadPage info={info} />
  else if (path === '/logs') page = <LogsPage query={query} />
  else if (path === '/runs') page = <RunsPage />
  else if (path === '/signals' || path.startsWith('/signals/'))
    page = <SignalsPage orderKey={decodeURIComponent(path.slice(9))} />
  else if (path === '/incidents') page = <IncidentsPage />
  else if (path === '/traces') page = <TracesPage query={query} info={info} />
  else if (path.startsWith('/traces/'))
    page = <TracePage traceId={path.slice(8)} spanId={query.get('span')} info={info} />
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <svg class="brand" width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
          <path d="M3 20c2-9 9-14 13-14s11 5 13 14c-3 2-6 1-8-1-2 3-8 3-10 0-2 2-5 3-8 1z" fill="#e2a04a" />
          <path d="M11 9l2 10M16 7v12M21 9l-2 10" stroke="#8a5316" stroke-width="1.6" fill="none" />
        </svg>
        <span class="brand-name">Bakery</span>
        <nav aria-label="Sections">
          {links.map((l) => (
            <a key={l.href} href={l.href} aria-current={l.href.slice(1) === section ? 'page' : undefined}>
              {l.label}
            </a>
          ))}
        </nav>
        {info && (
          <span class="note small" title="Spans in the in-process store">
            {info.traces.embedded
              ? `${info.traces.spans.toLocaleString()} spans stored`
              : 'external trace backend'}
          </span>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  )
}

const root = document.getElementById('app')
if (root) render(<App />, root)
