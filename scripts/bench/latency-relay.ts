import { createConnection, createServer, type Socket } from 'node:net'

// A TCP relay on 127.0.0.1 that holds every chunk for half a round-trip time in each direction: a service `rttMs`
// away, without root or `tc`. Bandwidth stays loopback's, so what it adds is the distance alone: each round trip a
// protocol makes (TCP and TLS handshakes, a CONNECT, a request and its answer) costs `rttMs` more. The kernel
// completes the TCP handshake with the relay at once, so a connection's first bytes are held until the round trip
// that handshake takes at a distance has passed: over a real network a client learns it may send one round trip
// after its SYN.

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
    const connectedAt = performance.now() + rttMs
    const target = createConnection({ host: '127.0.0.1', port: targetPort })
    for (const socket of [client, target]) {
      open.add(socket)
      socket.setNoDelay(true)
      socket.on('close', () => open.delete(socket))
    }
    delayed(client, target, oneWayMs, connectedAt)
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

/** Passes each chunk on `delayMs` after it came, and none before `notBefore`, in order (`null`: the end). */
function delayed(from: Socket, to: Socket, delayMs: number, notBefore = 0): void {
  const queue: { at: number; chunk: Buffer | null }[] = []
  let timer: NodeJS.Timeout | undefined
  const release = (): void => {
    timer = undefined
    while (queue.length > 0 && (queue[0]?.at ?? 0) <= performance.now()) {
      const { chunk } = queue.shift() ?? { chunk: null }
      if (chunk) to.write(chunk)
      else to.end()
    }
    const next = queue[0]
    if (next) timer = setTimeout(release, Math.max(0, next.at - performance.now()))
  }
  const hold = (chunk: Buffer | null): void => {
    queue.push({ at: Math.max(performance.now(), notBefore) + delayMs, chunk })
    timer ??= setTimeout(release, Math.max(0, (queue[0]?.at ?? 0) - performance.now()))
  }
  from.on('data', (chunk: Buffer) => hold(chunk))
  from.on('end', () => hold(null))
  from.on('error', () => to.destroy())
  to.on('error', () => from.destroy())
}
