import { createServer, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

// An HTTP proxy (HTTPS_PROXY) that makes Azure's blob host names reach the local blob service: it tunnels a CONNECT
// for <account>.blob.core.windows.net:443 to `blobPort` on 127.0.0.1, the `tunnels` it is given likewise, and refuses
// everything else, so the action builds
// its production URLs unchanged and still cannot reach the internet. TLS runs end to end through the tunnel, with the
// fake's certificate, which names *.blob.core.windows.net.

export interface BlobProxyOptions {
  /**
   * Where blob traffic goes: Azurite's port, or the port of the front end that checks data roles before it. Without
   * it, blob hosts are refused like any other.
   */
  blobPort?: number
  /** Other CONNECT targets (host:port) to tunnel, each to a port on 127.0.0.1: the GitHub API behind the proxy. */
  tunnels?: Record<string, number>
}

export interface BlobProxy {
  /** http://127.0.0.1:<port>, for HTTPS_PROXY. */
  readonly url: string
  /** Every CONNECT target asked for (host:port), refused ones included. */
  readonly connects: readonly string[]
  close(): Promise<void>
}

const blobHost = /^[a-z0-9]{3,24}\.blob\.core\.windows\.net:443$/i

export async function startBlobProxy(options: BlobProxyOptions): Promise<BlobProxy> {
  const connects: string[] = []
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  // A plain proxy request (http://... through HTTP_PROXY) has nowhere to go either.
  const server = createServer((_request, response) => {
    response.writeHead(403, { 'content-type': 'text/plain' }).end('The test proxy only tunnels to blob storage.\n')
  })
  server.on('connection', track)
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const target = request.url ?? ''
    connects.push(target)
    const port = blobHost.test(target) ? options.blobPort : options.tunnels?.[target]
    if (port === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n')
      return
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    track(upstream)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
    client.once('close', () => upstream.destroy())
    upstream.once('close', () => client.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    async close() {
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      // Tunnels are upgraded sockets the server no longer counts; they would hold close() open.
      for (const socket of sockets) socket.destroy()
      await closed
    }
  }
}
