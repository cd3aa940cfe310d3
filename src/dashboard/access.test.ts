import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type TestContext, test } from 'node:test'
import { startDashboard } from '../../test/support/dashboard.ts'
import { ErrorCode } from '../platform/errors.ts'
import { hostMatcher, hostName, isAdminProxyPath } from './access.ts'

interface Seen {
  method: string
  url: string
  authorization: string | undefined
}

/** A service behind a panel that answers 200 and records what reached it. */
async function startEcho(t: TestContext) {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization })
    req.resume()
    res.setHeader('content-type', 'application/json')
    res.end('{"ok":true}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => server.close())
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

/** A raw request: fetch cannot send a foreign Host header. */
function raw(url: string, path: string, headers: Record<string, string>, method = 'GET') {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => {
          body += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
      req.on('error', reject)
      req.end()
    },
  )
}

const json = { 'content-type': 'application/json' }

test('dashboard refuses every state-changing call without the token: load runs, panel writes, admin paths', async (t) => {
  const payments = await startEcho(t)
  const { url, auth } = await startDashboard(t, {}, { upstreams: { payments: payments.url } })
  const attempts: [string, string][] = [
    ['POST', '/api/load'],
    ['DELETE', '/api/load'],
    ['POST', '/api/svc/payments/payments'],
    ['PUT', '/api/svc/payments/admin/faults'],
    ['GET', '/api/svc/payments/admin/breakers'],
    ['GET', '/api/svc/payments/%61dmin/breakers'],
  ]
  for (const [method, path] of attempts) {
    const res = await fetch(`${url}${path}`, { method, headers: json, body: method === 'GET' ? null : '{}' })
    assert.equal(res.status, 401, `${method} ${path}`)
    assert.equal((await res.json()).code, ErrorCode.HTTP_UNAUTHORIZED)
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/)
  }
  assert.equal(payments.seen.length, 0, 'nothing reached the service')

  const wrong = await fetch(`${url}/api/svc/payments/payments`, {
    method: 'POST',
    headers: { ...json, authorization: 'Bearer nope' },
    body: '{}',
  })
  assert.equal(wrong.status, 401)
  const right = await fetch(`${url}/api/svc/payments/payments`, {
    method: 'POST',
    headers: { ...json, ...auth },
    body: '{}',
  })
  assert.equal(right.status, 200)
  assert.deepEqual(payments.seen.at(-1), { method: 'POST', url: '/payments', authorization: undefined })
})

test('dashboard login link sets an HttpOnly SameSite=Strict cookie that drives writes from its own origin only', async (t) => {
  const payments = await startEcho(t)
  const { url, loginUrl, token } = await startDashboard(t, {}, { upstreams: { payments: payments.url } })
  const bad = await fetch(`${url}/login?t=wrong`, { redirect: 'manual' })
  assert.equal(bad.status, 401)
  assert.equal(bad.headers.get('set-cookie'), null)

  const login = await fetch(loginUrl, { redirect: 'manual' })
  assert.equal(login.status, 303)
  assert.equal(login.headers.get('location'), '/')
  const setCookie = login.headers.get('set-cookie') ?? ''
  assert.match(setCookie, /^bakery_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/)
  assert.ok(!setCookie.includes(token), 'the cookie holds a derived value, not the token')
  const cookie = setCookie.split(';')[0] as string

  const { host } = new URL(url)
  const sameOrigin = await fetch(`${url}/api/svc/payments/payments`, {
    method: 'POST',
    headers: { ...json, cookie, origin: url },
    body: '{}',
  })
  assert.equal(sameOrigin.status, 200)
  const crossSite = await fetch(`${url}/api/svc/payments/payments`, {
    method: 'POST',
    headers: { ...json, cookie, origin: 'http://evil.example' },
    body: '{}',
  })
  assert.equal(crossSite.status, 403)
  assert.equal((await crossSite.json()).code, ErrorCode.HTTP_FORBIDDEN)
  const noOrigin = await raw(url, '/api/load', { cookie, host, 'content-type': 'application/json' }, 'DELETE')
  assert.equal(noOrigin.status, 403)
  const session = await (await fetch(`${url}/api/session`, { headers: { cookie } })).json()
  assert.deepEqual(session, { loggedIn: true })

  // The admin token travels to the service only from the dashboard, only on its admin paths.
  const breakers = await fetch(`${url}/api/svc/payments/admin/breakers`, { headers: { cookie } })
  assert.equal(breakers.status, 200)
  assert.deepEqual(payments.seen.at(-1), {
    method: 'GET',
    url: '/admin/breakers',
    authorization: `Bearer ${token}`,
  })
})

test('dashboard answers 421 to a Host outside its allow-list (DNS rebinding) and serves loopback names', async (t) => {
  const { url, auth } = await startDashboard(t)
  const port = new URL(url).port
  for (const host of [
    `attacker.example:${port}`,
    `192.168.1.20:${port}`,
    `localhost.attacker.example:${port}`,
  ]) {
    const res = await raw(url, '/api/info', { host })
    assert.equal(res.status, 421, `Host ${host}`)
    assert.equal(JSON.parse(res.body).code, ErrorCode.HTTP_MISDIRECTED)
  }
  // Even the token does not make a foreign name acceptable: the page is not this dashboard's.
  assert.equal(
    (await raw(url, '/api/load', { host: `attacker.example:${port}`, ...auth }, 'DELETE')).status,
    421,
  )
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
    assert.equal((await raw(url, '/api/info', { host })).status, 200, `Host ${host}`)
  }
  // Probes and OTLP ingest come from machines, by whatever name they use.
  assert.equal((await raw(url, '/healthz', { host: `10.0.0.7:${port}` })).status, 200)

  const { url: wide } = await startDashboard(t, {
    BAKERY_DASHBOARD_ALLOWED_HOSTS: 'bakery.example.com,*.lab.test',
  })
  const widePort = new URL(wide).port
  assert.equal((await raw(wide, '/api/info', { host: `bakery.example.com:${widePort}` })).status, 200)
  assert.equal((await raw(wide, '/api/info', { host: `a.lab.test:${widePort}` })).status, 200)
  assert.equal((await raw(wide, '/api/info', { host: `localhost:${widePort}` })).status, 421)
})

test('dashboard reads stay open on loopback and need the login when configured (containers)', async (t) => {
  const open = await startDashboard(t)
  assert.equal((await fetch(`${open.url}/api/info`)).status, 200)
  const closed = await startDashboard(t, { BAKERY_DASHBOARD_READ_ACCESS: 'token' })
  const refused = await fetch(`${closed.url}/api/info`)
  assert.equal(refused.status, 401)
  assert.equal((await fetch(`${closed.url}/api/info`, { headers: closed.auth })).status, 200)
  const cookie = (
    (await fetch(closed.loginUrl, { redirect: 'manual' })).headers.get('set-cookie') ?? ''
  ).split(';')[0]
  assert.equal((await fetch(`${closed.url}/api/info`, { headers: { cookie: cookie ?? '' } })).status, 200)
  // The page itself loads, so it can say how to log in.
  assert.notEqual((await fetch(`${closed.url}/`)).status, 401)
})

test('dashboard proxy sends /api/svc/payment%73/… to payments and never to a port of its own making', async (t) => {
  const payments = await startEcho(t)
  const reception = await startEcho(t)
  const { url, auth } = await startDashboard(
    t,
    {},
    {
      upstreams: { payments: payments.url, reception: reception.url },
    },
  )
  const encoded = await fetch(`${url}/api/svc/payment%73/payments/1`, { headers: auth })
  assert.equal(encoded.status, 200)
  assert.deepEqual(
    payments.seen.map((s) => s.url),
    ['/payments/1'],
  )
  for (const path of ['/api/svc/reception//attacker.example/x', '/api/svc/reception@attacker.example/x']) {
    const res = await raw(url, path, { host: new URL(url).host, ...auth })
    assert.ok(res.status === 400 || res.status === 404, `${path} → ${res.status}`)
  }
  assert.equal(reception.seen.length, 0)
})

test('dashboard host and admin path helpers read names the way browsers and routers do', () => {
  assert.equal(hostName('LocalHost:3000'), 'localhost')
  assert.equal(hostName('[::1]:3000'), '[::1]')
  assert.equal(hostName('a@b:1'), undefined)
  assert.equal(hostName('a/b'), undefined)
  const allowed = hostMatcher(['localhost', '*.localhost'])
  assert.equal(allowed('x.localhost'), true)
  assert.equal(allowed('localhost.evil'), false)
  assert.equal(isAdminProxyPath('/api/svc/payments/admin/faults'), true)
  assert.equal(isAdminProxyPath('/api/svc/payments//admin'), true)
  assert.equal(isAdminProxyPath('/api/svc/payments/./admin/faults'), true)
  assert.equal(isAdminProxyPath('/api/svc/payments/%61dmin?x=1'), true)
  assert.equal(isAdminProxyPath('/api/svc/payments/administration'), false)
})
