import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import tls from 'node:tls'
import { setTimeout as sleep } from 'node:timers/promises'
import { sharedServerCertificate } from '../fake-azure/certificate.js'

// A blob container whose every answer a test writes: what a hostile or broken blob service sends, which Azurite never
// would. It speaks the wire format the storage SDK reads (List Blobs XML, Get Blob), over TLS, for the in-process
// tests of the download with short bounds.

export interface ScriptedBlob {
  /** The size the listing gives. */
  listedSize: number
  /** The body Get Blob sends; a body longer than listedSize is a service that lies about the size. */
  body: Buffer
  /** Send this many bytes of the body, then nothing more, holding the connection open. */
  stallAfter?: number
}

export interface ScriptedBlobs {
  /** The container's URL, for an anonymous ContainerClient. */
  readonly url: string
  readonly blobs: Map<string, ScriptedBlob>
  /** When set, every listing page holds this many made-up blobs and names a next page, for ever. */
  endlessPages: number | undefined
  /** When set, a listing page after this many is never answered: the connection stays open, silent. */
  listingStallsAfter: number | undefined
  /** Listing pages asked for. */
  listings: number
  /** Get Blob requests received, by blob name. */
  readonly reads: string[]
  close(): Promise<void>
}

/** Starts the service and trusts its certificate in this process until close(). */
export async function startScriptedBlobs(): Promise<ScriptedBlobs> {
  const { cert, key } = await sharedServerCertificate()
  const defaultCAs = tls.getCACertificates('default')
  tls.setDefaultCACertificates([...defaultCAs, cert])
  const service = {
    blobs: new Map<string, ScriptedBlob>(),
    endlessPages: undefined as number | undefined,
    listingStallsAfter: undefined as number | undefined,
    listings: 0,
    reads: [] as string[]
  }
  const server = createServer({ key, cert }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://blob')
    if (url.searchParams.get('comp') === 'list') return list(url, response)
    const name = decodeURIComponent(url.pathname.split('/').slice(2).join('/'))
    service.reads.push(name)
    void get(service.blobs.get(name), request, response).catch(() => response.destroy())
  })
  const list = (url: URL, response: ServerResponse): void => {
    service.listings++
    if (service.listingStallsAfter !== undefined && service.listings > service.listingStallsAfter) return
    const prefix = url.searchParams.get('prefix') ?? ''
    const marker = url.searchParams.get('marker') ?? 'p0'
    const endless = service.endlessPages
    const entries =
      endless !== undefined
        ? Array.from({ length: endless }, (_, index) => blobXml(`${prefix}${marker}-${index}`, 1))
        : [...service.blobs]
            .filter(([name]) => name.startsWith(prefix))
            .map(([name, blob]) => blobXml(name, blob.listedSize))
    const next = endless !== undefined ? `p${Number(marker.slice(1)) + 1}` : ''
    const body =
      '<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://blob/" ContainerName="c">' +
      `<Prefix>${escapeXml(prefix)}</Prefix><Blobs>${entries.join('')}</Blobs><NextMarker>${next}</NextMarker>` +
      '</EnumerationResults>'
    response.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
    response.end(body)
  }
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return Object.assign(service, {
    url: `https://127.0.0.1:${port}/c`,
    async close() {
      tls.setDefaultCACertificates(defaultCAs)
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  })
}

async function get(blob: ScriptedBlob | undefined, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!blob) {
    response.writeHead(404, { 'x-ms-error-code': 'BlobNotFound', 'content-length': 0 })
    response.end()
    return
  }
  response.writeHead(200, {
    'content-length': blob.body.length,
    'content-type': 'application/octet-stream',
    etag: '"0x1"',
    'last-modified': new Date(0).toUTCString(),
    'x-ms-blob-type': 'BlockBlob'
  })
  if (blob.stallAfter === undefined) {
    response.end(blob.body)
    return
  }
  response.write(blob.body.subarray(0, blob.stallAfter))
  // Held until the client gives up or the server closes.
  while (!request.destroyed && !response.destroyed) await sleep(100)
}

// Names with characters XML cannot hold go percent-encoded, as the blob service lists them.
function blobXml(name: string, size: number): string {
  const encoded = /[\p{Cc}]/u.test(name)
  const shown = encoded ? encodeURIComponent(name) : escapeXml(name)
  return (
    `<Blob><Name${encoded ? ' Encoded="true"' : ''}>${shown}</Name><Properties>` +
    `<Last-Modified>${new Date(0).toUTCString()}</Last-Modified><Etag>0x1</Etag>` +
    `<Content-Length>${size}</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>`
  )
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
