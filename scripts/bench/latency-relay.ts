import { createConnection, createServer, type Socket } from 'node:net'

// A TCP relay on 127.0.0.1 that holds every chunk for half a round-trip time in each direction: a service `rttMs`
// away, without root or `tc`. Bandwidth stays loopback's, so what it adds is the distance alone: each round trip a
// protocol makes (TCP and TLS handshakes, a CONNECT, a request and its answer) costs `rttMs` more.

export interface LatencyRelay {
  /** The relay's port: connect here instead of to the target. */
  readonly port: number
  /** Connections the relay has accepted so far. */
  readonly connections: number
  close(): Promise<void>
}

export async function startLatencyRelay(targetPort: number, rttMs: number): Promise<LatencyRelay> {
  const oneWayMs = rttMs / 2
  const open = new Set<Socket>()
  let connections = 0
  const server = createServer(client => {
    connections++
    const target = createConnection({ host: '127.0.0.1', port: targetPort })
    for (const socket of [client, target]) {
      open.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => open.delete(socket))
    }
    delayed(client, target, oneWayMs)
    delayed(target, client, oneWayMs)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the relay has no port')
  return {
    port: address.port,
    get connections() {
      return connections
    },
    async close() {
      for (const socket of open) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

// Timers of one duration fire in the order they were set, so the bytes keep their order.
function delayed(from: Socket, to: Socket, delayMs: number): void {
  from.on('data', chunk => setTimeout(() => to.write(chunk), delayMs))
  from.on('end', () => setTimeout(() => to.end(), delayMs))
  from.on('error', () => to.destroy())
  to.on('error', () => from.destroy())
}
