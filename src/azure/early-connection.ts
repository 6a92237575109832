import { Agent } from 'node:https'
import { isIP, type Socket } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'

// A request's first round trips are the TCP and TLS handshakes to its host, and its token comes before it: Entra's
// metadata and token requests, over a connection of their own. Opening the host's connection when the request is
// made, beside the token's, takes those handshakes off the submission's path (two round trips: 80 ms at 40 ms).

const proxyVariables = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']

/**
 * A keep-alive agent that opens its first connection to a host as soon as a request there is made, before the
 * request's token is in hand. Undefined behind a proxy: the pipeline's proxy policy must then make the connection,
 * and it gives way to any agent a request carries.
 */
export function earlyConnectionAgent(env: NodeJS.ProcessEnv = process.env): EarlyConnectionAgent | undefined {
  return proxyVariables.some(name => env[name]) ? undefined : new EarlyConnectionAgent({ keepAlive: true })
}

export class EarlyConnectionAgent extends Agent {
  private readonly opened = new Set<string>()
  private readonly waiting = new Map<string, TLSSocket>()

  /** Opens the connection the first request to `url`'s host will use; later requests reuse the agent's pool. */
  connectEarly(url: string): void {
    const { hostname, port } = new URL(url)
    const key = `${hostname}:${port || 443}`
    if (this.opened.has(key)) return
    this.opened.add(key)
    // The same checks as the agent's own connections: the default CAs (NODE_EXTRA_CA_CERTS), the host's name.
    const socket = connect({
      host: hostname,
      port: Number(port || 443),
      ...(isIP(hostname) ? {} : { servername: hostname }),
      ALPNProtocols: ['http/1.1']
    })
    // Waiting, it holds nothing open: a step that ends before its request leaves at once.
    socket.unref()
    const forget = (): void => {
      if (this.waiting.get(key) === socket) this.waiting.delete(key)
    }
    socket.once('error', forget)
    socket.once('close', forget)
    this.waiting.set(key, socket)
  }

  // Called by the agent for each new connection: the early one, if still open, is handed over first.
  override createConnection(...args: Parameters<Agent['createConnection']>): ReturnType<Agent['createConnection']> {
    const [options] = args as [{ host?: string; port?: number | string }]
    const key = `${options.host}:${options.port ?? 443}`
    const socket = this.waiting.get(key)
    if (socket && !socket.destroyed) {
      this.waiting.delete(key)
      socket.ref()
      return socket as Socket
    }
    return super.createConnection(...args)
  }

  override destroy(): void {
    for (const socket of this.waiting.values()) socket.destroy()
    this.waiting.clear()
    super.destroy()
  }
}
