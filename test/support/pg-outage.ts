// A loopback port standing in for PostgreSQL, to take the database away from a running service
// without touching the machine's server (other tests share it): it forwards to the real server,
// answers every new connection the way a saturated or starting server does (a FATAL
// ErrorResponse with SQLSTATE 53300, 57P03, …), or is closed (connection refused).
import net from 'node:net'
import type { TestContext } from 'node:test'

export type PgOutageMode = { kind: 'forward' } | { kind: 'refuse'; sqlstate: string; message: string }

export interface PgOutage {
  /** postgres:// URL of the stand-in, with the real server's user and database. */
  url: string
  /** Serve connections in this mode; open connections are cut so the pool must reconnect. */
  serve(mode: PgOutageMode): Promise<void>
  /** Close the port: every connection attempt is refused (ECONNREFUSED). */
  close(): Promise<void>
}

/** A FATAL ErrorResponse message of the PostgreSQL wire protocol. */
export function fatalErrorResponse(sqlstate: string, message: string): Buffer {
  const fields = Buffer.concat(
    [
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', sqlstate],
      ['M', message],
    ].map(([type, value]) => Buffer.from(`${type}${value}\0`)),
  )
  const header = Buffer.alloc(5)
  header.write('E', 0)
  header.writeInt32BE(4 + fields.length + 1, 1)
  return Buffer.concat([header, fields, Buffer.from([0])])
}

export async function createPgOutage(t: TestContext, realUrl: string): Promise<PgOutage> {
  const real = new URL(realUrl)
  const sockets = new Set<net.Socket>()
  let mode: PgOutageMode = { kind: 'forward' }
  let server: net.Server | undefined
  let port = 0

  function onConnection(client: net.Socket): void {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    if (mode.kind === 'refuse') {
      // The startup message comes first; the server answers it with the error and hangs up.
      const answer = fatalErrorResponse(mode.sqlstate, mode.message)
      client.once('data', () => client.end(answer))
      return
    }
    const upstream = net.connect({ host: real.hostname, port: Number(real.port || 5432) })
    sockets.add(upstream)
    upstream.on('close', () => {
      sockets.delete(upstream)
      client.destroy()
    })
    upstream.on('error', () => upstream.destroy())
    client.on('close', () => upstream.destroy())
    client.pipe(upstream).pipe(client)
  }

  function cutOpenConnections(): void {
    for (const socket of sockets) socket.destroy()
    sockets.clear()
  }

  async function listen(): Promise<void> {
    if (server) return
    const next = net.createServer(onConnection)
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject)
      next.listen(port, '127.0.0.1', () => resolve())
    })
    server = next
    const address = next.address()
    port = typeof address === 'object' && address ? address.port : port
  }

  async function close(): Promise<void> {
    const closing = server
    server = undefined
    cutOpenConnections()
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()))
  }

  await listen()
  t.after(close)
  const url = new URL(realUrl)
  url.hostname = '127.0.0.1'
  url.port = String(port)
  return {
    url: url.href,
    async serve(next) {
      mode = next
      cutOpenConnections()
      await listen()
    },
    close,
  }
}
