import { Agent } from 'node:https'
import { isIP, type Socket } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'

// A request's first round trips are the TCP and TLS handshakes to its host: two round trips, 80 ms at 40 ms. A
// connection opened before the request is made takes them off its path: the endpoint's beside its token, Entra's and
// the endpoint's while the libraries are still loading.

const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']

/**
 * A connection not taken within this is closed and not used: an idle connection can be dropped on the way without
 * either end hearing of it (Azure's load balancers do after 4 minutes), and a request sent over it would only time out.
 */
export const earlyConnectionMaxIdleMs = 30_000

interface Waiting {
  socket: TLSSocket
  usableUntil: number
}

// Opened ahead, by host and port, until a request there takes it: one process, one set of hosts.
const waiting = new Map<string, Waiting>()

/** Whether connections can be opened ahead at all: behind a proxy, the pipeline's proxy policy must make them. */
export function canConnectEarly(env: NodeJS.ProcessEnv = process.env): boolean {
  return !proxyVariables.some(name => env[name])
}

/**
 * Opens the connection the next request to `url`'s host will use, unless one is already waiting there. The same
 * checks as any connection of the agents: the default CAs (NODE_EXTRA_CA_CERTS), the host's name.
 */
export function connectEarly(url: string, maxIdleMs = earlyConnectionMaxIdleMs): void {
  const { hostname, port } = new URL(url)
  const key = `${hostname}:${port || 443}`
  if (waiting.has(key)) return
  const socket = connect({
    host: hostname,
    port: Number(port || 443),
    ...(isIP(hostname) ? {} : { servername: hostname }),
    ALPNProtocols: ['http/1.1']
  })
  // Waiting, it holds nothing open: a step that ends before its request leaves at once.
  socket.unref()
  const forget = (): void => {
    if (waiting.get(key)?.socket === socket) waiting.delete(key)
  }
  socket.once('error', forget)
  socket.once('close', forget)
  waiting.set(key, { socket, usableUntil: Date.now() + maxIdleMs })
}

/**
 * One turn of the event loop. Loading code holds the loop, and a TLS handshake needs it at each of its round trips (to
 * send its hello once TCP is up, to answer the server's): a turn between two loads lets the handshakes advance.
 */
export function letConnectionsProgress(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve))
}

/** Closes every connection still waiting (tests; a step that ends drops them anyway). */
export function closeEarlyConnections(): void {
  for (const { socket } of waiting.values()) socket.destroy()
  waiting.clear()
}

function takeEarlyConnection(key: string): TLSSocket | undefined {
  const early = waiting.get(key)
  if (!early) return undefined
  waiting.delete(key)
  const { socket } = early
  // Before a request, a server has nothing to say: whatever it sent (a 408 for a connection that stayed silent, as
  // HAProxy sends) would be read as the answer to the request. Such a connection, or one half closed, is not used.
  const spoken = socket.readableLength > 0 || socket.readableEnded || !socket.writable
  if (socket.destroyed || spoken || Date.now() > early.usableUntil) {
    socket.destroy()
    return undefined
  }
  socket.ref()
  return socket
}

/**
 * A keep-alive agent that takes a connection opened ahead to a host, if one is waiting, before opening its own.
 * Undefined behind a proxy: the pipeline's proxy policy must then make the connection, and it gives way to any agent
 * a request carries.
 */
export function earlyConnectionAgent(env: NodeJS.ProcessEnv = process.env): EarlyConnectionAgent | undefined {
  return canConnectEarly(env) ? new EarlyConnectionAgent({ keepAlive: true }) : undefined
}

export class EarlyConnectionAgent extends Agent {
  private readonly opened = new Set<string>()

  /** Opens the connection the first request to `url`'s host will use, once; later requests reuse the agent's pool. */
  connectEarly(url: string): void {
    const { host } = new URL(url)
    if (this.opened.has(host)) return
    this.opened.add(host)
    connectEarly(url)
  }

  // Called by the agent for each new connection: one opened ahead, if still fit, is handed over first.
  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const [options] = args as [{ host?: string; port?: number | string }]
    return (
      (takeEarlyConnection(`${options.host}:${options.port ?? 443}`) as Socket | undefined) ??
      super.createConnection(...args)
    )
  }
}
