import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Server, Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { jsonReply, type RecordedRequest, type Reply, type Route, type RouteName } from './exchange.js'
import { FaultQueue, faultReply, isHang, isReset, isStatus, type Fault, type StatusFault } from './faults.js'

/**
 * Records, routes and answers the requests of every listener the fake owns (Azure over TLS, IMDS over plain HTTP), so
 * that tests see one request log and script faults the same way whichever listener a route lives on.
 */
export class Dispatcher {
  readonly requests: RecordedRequest[] = []
  private readonly faults = new FaultQueue()
  // TLS sockets do not expose a reset; the TCP socket under each connection does. Keyed by both ends' ports.
  private readonly tcpSockets = new Map<string, Socket>()
  // Pending fault delays end when the fake closes, so they cannot keep a test process alive.
  private readonly closing = new AbortController()

  /** Serves `routes` on `server`, an http or https server. */
  attach(server: Server, routes: readonly Route[]): void {
    server.on('connection', (socket: Socket) => {
      const key = connectionKey(socket)
      if (key === undefined) return
      this.tcpSockets.set(key, socket)
      socket.once('close', () => this.tcpSockets.delete(key))
    })
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response, routes).catch((error: unknown) => {
        if (!response.headersSent)
          this.send(response, jsonReply(500, { error: { code: 'FakeAzureBug', message: String(error) } }))
      })
    })
  }

  fail(route: RouteName, faults: Fault[]): void {
    this.faults.add(route, faults)
  }

  close(): void {
    this.closing.abort()
  }

  private async handle(request: IncomingMessage, response: ServerResponse, routes: readonly Route[]): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const pathname = new URL(request.url ?? '/', 'https://fake').pathname
    const method = request.method ?? 'GET'
    let params: Record<string, string> = {}
    const route = routes.find(r => {
      const match = r.method === method ? r.path.exec(pathname) : null
      if (match) params = { ...match.groups }
      return match !== null
    })
    const recorded: RecordedRequest = {
      route: route?.name ?? 'unknown',
      method,
      path: request.url ?? '/',
      headers: Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? '')
        ])
      ),
      body: Buffer.concat(chunks).toString('utf8'),
      time: Date.now()
    }
    this.requests.push(recorded)

    const fault = this.faults.next(recorded.route)
    if (fault && 'delayMs' in fault && fault.delayMs) {
      const slept = await sleep(fault.delayMs, true, { signal: this.closing.signal }).catch(() => false)
      if (!slept) return
    }
    if (isReset(fault) && !fault.afterCreate) return this.reset(request)
    if (isHang(fault)) return this.hang(response, recorded)
    if (isStatus(fault) && fault.bodyBytes !== undefined) return this.sendLarge(response, fault, recorded)
    const handled =
      isStatus(fault) && !fault.afterCreate ? undefined : route ? await route.handle(recorded, params) : undefined
    const reply = isStatus(fault) ? faultReply(fault) : (handled ?? notFound(recorded))
    if (isReset(fault)) return this.reset(request)
    this.send(response, reply)
  }

  private send(response: ServerResponse, reply: Reply): void {
    // Azure services put a request id on every answer, errors included; users quote it in support cases.
    response.writeHead(reply.status, { 'x-request-id': randomUUID(), ...reply.headers })
    response.end(reply.body)
  }

  /** Never answers; notes whether the client gave up on the connection before the fake closed. */
  private async hang(response: ServerResponse, recorded: RecordedRequest): Promise<void> {
    await new Promise<void>(resolve => {
      response.once('close', resolve)
      this.closing.signal.addEventListener('abort', () => resolve(), { once: true })
    })
    if (!this.closing.signal.aborted) recorded.closedEarly = true
  }

  /**
   * Sends `bodyBytes` of text at the pace the client reads it, stopping when the client closes the connection (or,
   * with `stallAfterBytes`, stalling there).
   */
  private async sendLarge(response: ServerResponse, fault: StatusFault, recorded: RecordedRequest): Promise<void> {
    const total = fault.bodyBytes ?? 0
    response.writeHead(fault.status, {
      'x-request-id': randomUUID(),
      'content-type': fault.contentType ?? 'text/plain; charset=utf-8',
      'content-length': String(total),
      ...fault.headers
    })
    const chunk = Buffer.alloc(64 * 1024, 'The service says a lot. ')
    let sent = 0
    const stallAt = fault.stallAfterBytes ?? total
    while (sent < stallAt && !response.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, stallAt - sent))
      sent += piece.length
      if (!response.write(piece)) {
        await new Promise<void>(resolve => {
          const done = () => {
            response.off('drain', done).off('close', done)
            resolve()
          }
          response.on('drain', done).on('close', done)
        })
      }
    }
    if (sent < total && !response.destroyed) await this.hang(response, recorded)
    else if (sent < total || response.destroyed) recorded.closedEarly = true
    else response.end()
  }

  /** A real connection reset (RST), not a polite close: what a client sees when a load balancer drops it. */
  private reset(request: IncomingMessage): void {
    const key = connectionKey(request.socket)
    const tcp = key === undefined ? undefined : this.tcpSockets.get(key)
    if (tcp) tcp.resetAndDestroy()
    else request.socket.destroy()
  }
}

function connectionKey(socket: Socket): string | undefined {
  return socket.remotePort === undefined ? undefined : `${socket.localPort}:${socket.remotePort}`
}

function notFound(request: RecordedRequest): Reply {
  const message = `The fake Azure has no route for ${request.method} ${request.path}.`
  return jsonReply(404, { error: { code: 'NotFound', message } })
}
