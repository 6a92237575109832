import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent, createServer, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout } from 'node:timers/promises'
import { sharedServerCertificate } from '../fake-azure/certificate.js'

// Azure Storage's front end for <account>.blob.core.windows.net: it checks what Azurite does not, the caller's data
// role (Azure RBAC), and hands every request it lets through to Azurite unchanged, Host header and signature included.
// A principal without Storage Blob Data Contributor gets what Azure answers it: 403 AuthorizationPermissionMismatch.

export interface BlobFrontEndOptions {
  azuritePort: number
  /** The certificate to serve (and trust in Azurite): the fake Azure's when not given. */
  certificate?: { cert: string; key: string }
  /** Client ids whose service principal has no Storage Blob Data role: their bearer requests are refused. */
  denyClients?: string[]
  /**
   * Answer every blob write (PUT) at once and store nothing. Azurite's in-memory store scans every blob of the account
   * on each write, so its time per write grows with the blobs it holds; the benchmark uses this to time the action.
   */
  discardWrites?: boolean
  /**
   * Blobs the front end lists and serves itself, none stored: `count` blobs of `size` bytes under `prefix`, in any
   * container. Writing 20,000 blobs to Azurite first would take minutes; the benchmark downloads these.
   */
  syntheticReads?: { prefix: string; count: number; size: number }
}

/** How the service treats request bodies from now on: a test changes it in the middle of an upload. */
export interface BlobLink {
  /** Bytes per second read from each request body; undefined for as fast as the client sends. */
  bytesPerSecond?: number
  /** Stop answering: bodies are no longer read and no request is answered, as a service that hangs. */
  stalled: boolean
}

/** One request as the blob service received it: how it was signed, by whom, and what it was answered. */
export interface BlobRequest {
  method: string
  host: string
  /** The request target, query included (a SAS shows here). */
  path: string
  auth: 'Bearer' | 'SharedKey' | 'SAS' | 'Anonymous'
  /** The client id (appid) of a bearer token. */
  clientId?: string
  status: number
  /** The body bytes of the answer, as its Content-Length says (a ranged read's part). */
  bytes: number
}

export interface BlobFrontEnd {
  readonly port: number
  readonly requests: readonly BlobRequest[]
  /** Lower-cased client ids refused a data role; a test may change it between requests. */
  readonly denyClients: Set<string>
  /** Blob names whose downloads break off halfway, every time: the connection drops mid-body. */
  readonly brokenDownloads: Set<string>
  /** Blob names whose downloads send more bytes than the blob holds (and than its listing says), as a lying service. */
  readonly oversizedDownloads: Set<string>
  /** Blob names whose downloads send half the body, then nothing more, holding the connection open. */
  readonly stalledDownloads: Set<string>
  /** Blob names whose downloads are refused with this status, as a storage error: an expired or revoked signature. */
  readonly refusedDownloads: Map<string, number>
  /** Blob names whose downloads get no answer at all: the request is read, and nothing comes back. */
  readonly silentDownloads: Set<string>
  readonly link: BlobLink
  close(): Promise<void>
}

const mismatch = 'This request is not authorized to perform this operation using this permission.'

export async function startBlobFrontEnd(options: BlobFrontEndOptions): Promise<BlobFrontEnd> {
  const { cert, key } = options.certificate ?? (await sharedServerCertificate())
  const requests: BlobRequest[] = []
  const denyClients = new Set((options.denyClients ?? []).map(id => id.toLowerCase()))
  const brokenDownloads = new Set<string>()
  const oversizedDownloads = new Set<string>()
  const stalledDownloads = new Set<string>()
  const refusedDownloads = new Map<string, number>()
  const silentDownloads = new Set<string>()
  const link: BlobLink = { stalled: false }
  const upstream = new Agent({ keepAlive: true, ca: cert })
  const server = createServer({ key, cert }, (request, response) => {
    const record = recordOf(request)
    requests.push(record)
    response.once('finish', () => (record.status = response.statusCode))
    if (link.stalled) {
      request.pause()
      return
    }
    if (record.auth === 'Bearer' && denyClients.has(record.clientId?.toLowerCase() ?? '')) {
      permissionMismatch(request, response)
      return
    }
    const blobPath = decodeURIComponent(new URL(record.path, 'https://blob').pathname)
    const scripted = (names: Set<string>) =>
      request.method === 'GET' && [...names].some(name => blobPath.endsWith(`/${name}`))
    const breakOff = scripted(brokenDownloads)
      ? 'drop'
      : scripted(stalledDownloads)
        ? 'stall'
        : scripted(oversizedDownloads)
          ? 'oversize'
          : undefined
    const refused = [...refusedDownloads].find(([name]) => scripted(new Set([name])))
    if (refused) {
      storageError(request, response, refused[1])
      return
    }
    if (scripted(silentDownloads)) {
      request.resume()
      return
    }
    const synthetic = options.syntheticReads
    if (synthetic && request.method === 'GET' && serveSynthetic(synthetic, record.path, response)) return
    const body = throttled(request, link)
    const answer =
      options.discardWrites && request.method === 'PUT'
        ? discard(body, request, response)
        : forward(body, request, response, options.azuritePort, upstream, breakOff, record)
    answer.catch(() => response.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    denyClients,
    brokenDownloads,
    oversizedDownloads,
    stalledDownloads,
    refusedDownloads,
    silentDownloads,
    link,
    async close() {
      // Bodies held by a stall end with their connections.
      link.stalled = false
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      upstream.destroy()
      await closed
    }
  }
}

/** The request body as the link lets it through: slowed down, or held for good once the service stalls. */
function throttled(request: IncomingMessage, link: BlobLink): Readable {
  return Readable.from(
    (async function* () {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        for (let at = 0; at < chunk.length;) {
          while (link.stalled) await setTimeout(1_000)
          const step =
            link.bytesPerSecond === undefined ? chunk.length : Math.max(1, Math.round(link.bytesPerSecond / 10))
          yield chunk.subarray(at, at + step)
          at += step
          if (link.bytesPerSecond !== undefined) await setTimeout(100)
        }
      }
    })()
  )
}

async function forward(
  body: Readable,
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
  agent: Agent,
  breakOff: 'drop' | 'stall' | 'oversize' | undefined,
  record: BlobRequest
) {
  const answer = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = httpsRequest(
      { host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent },
      resolve
    )
    outgoing.on('error', reject)
    pipeline(body, outgoing).catch(reject)
  })
  record.bytes = Number(answer.headers['content-length'] ?? 0)
  if (breakOff === 'oversize') {
    // The blob's bytes, then 8 MiB more under a Content-Length that says so.
    const extra = Buffer.alloc(8 * 1024 * 1024, 0x78)
    const length = Number(answer.headers['content-length'] ?? 0) + extra.length
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, { ...answer.headers, 'content-length': length })
    for await (const chunk of answer as AsyncIterable<Buffer>) response.write(chunk)
    response.end(extra)
    return
  }
  response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers)
  if (!breakOff) return pipeline(answer, response)
  // Half the body, then the connection drops (as a network failure mid-download looks to the client) or goes silent.
  const half = Math.floor(Number(answer.headers['content-length'] ?? 0) / 2)
  let sent = 0
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    const part = chunk.subarray(0, Math.max(0, half - sent))
    if (part.length > 0) response.write(part)
    sent += part.length
    if (sent >= half) break
  }
  if (breakOff === 'drop') response.socket?.destroy()
}

/**
 * Answers a listing under the synthetic prefix (pages of `maxresults`, a NextMarker between them) or a Get Blob of
 * one of its blobs; false for any other request, which goes to Azurite.
 */
function serveSynthetic(
  synthetic: NonNullable<BlobFrontEndOptions['syntheticReads']>,
  path: string,
  response: ServerResponse
): boolean {
  const url = new URL(path, 'https://blob')
  const [, container = '', ...rest] = decodeURIComponent(url.pathname).split('/')
  const name = (index: number) => `${synthetic.prefix}${String(index).padStart(6, '0')}.csv`
  const headers = { 'x-ms-request-id': randomUUID(), 'x-ms-version': '2025-11-05', date: new Date().toUTCString() }
  if (url.searchParams.get('comp') === 'list') {
    if (!(url.searchParams.get('prefix') ?? '').startsWith(synthetic.prefix)) return false
    const from = Number(url.searchParams.get('marker') || 0)
    const size = Number(url.searchParams.get('maxresults') || 5000)
    const to = Math.min(from + size, synthetic.count)
    const blobs = Array.from(
      { length: to - from },
      (_, i) =>
        `<Blob><Name>${name(from + i)}</Name><Properties><Last-Modified>${new Date(0).toUTCString()}</Last-Modified>` +
        `<Etag>0x1</Etag><Content-Length>${synthetic.size}</Content-Length><BlobType>BlockBlob</BlobType>` +
        '</Properties></Blob>'
    )
    const body =
      '<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://blob/" ' +
      `ContainerName="${container}"><Prefix>${synthetic.prefix}</Prefix><MaxResults>${size}</MaxResults>` +
      `<Blobs>${blobs.join('')}</Blobs><NextMarker>${to < synthetic.count ? to : ''}</NextMarker></EnumerationResults>`
    response.writeHead(200, {
      ...headers,
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body)
    })
    response.end(body)
    return true
  }
  const blob = rest.join('/')
  if (!blob.startsWith(synthetic.prefix)) return false
  response.writeHead(200, {
    ...headers,
    'content-length': synthetic.size,
    'content-type': 'application/octet-stream',
    etag: '"0x1"',
    'last-modified': new Date(0).toUTCString(),
    'x-ms-blob-type': 'BlockBlob'
  })
  response.end(Buffer.alloc(synthetic.size, 0x61))
  return true
}

/** What Azure answers a Put Blob, Put Block or Put Block List, once the body is read; the body is thrown away. */
async function discard(body: Readable, request: IncomingMessage, response: ServerResponse): Promise<void> {
  for await (const chunk of body) void chunk
  response.writeHead(201, {
    'content-length': 0,
    etag: `"0x${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}"`,
    'last-modified': new Date().toUTCString(),
    'x-ms-request-id': randomUUID(),
    'x-ms-version': request.headers['x-ms-version'] ?? '2025-11-05',
    'x-ms-request-server-encrypted': 'true',
    date: new Date().toUTCString()
  })
  response.end()
}

// Azure Storage words its errors in the status line, the x-ms-error-code header and an XML body.
function permissionMismatch(request: IncomingMessage, response: ServerResponse): void {
  const requestId = randomUUID()
  const time = new Date().toISOString().replace('Z', '0000Z')
  const body =
    '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationPermissionMismatch</Code>' +
    `<Message>${mismatch}\nRequestId:${requestId}\nTime:${time}</Message></Error>`
  response.writeHead(403, mismatch, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-ms-request-id': requestId,
    'x-ms-version': request.headers['x-ms-version'] ?? '2025-11-05',
    'x-ms-error-code': 'AuthorizationPermissionMismatch',
    date: new Date().toUTCString()
  })
  response.end(request.method === 'HEAD' ? undefined : body)
}

function storageError(request: IncomingMessage, response: ServerResponse, status: number): void {
  const code = status === 403 ? 'AuthenticationFailed' : status === 404 ? 'BlobNotFound' : 'InternalError'
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`
  response.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-ms-error-code': code,
    'x-ms-version': request.headers['x-ms-version'] ?? '2025-11-05'
  })
  response.end(body)
}

function recordOf(request: IncomingMessage): BlobRequest {
  const path = request.url ?? '/'
  const record: BlobRequest = {
    method: request.method ?? 'GET',
    host: request.headers.host ?? '',
    path,
    auth: 'Anonymous',
    status: 0,
    bytes: 0
  }
  const [scheme, credential] = (request.headers.authorization ?? '').split(' ')
  if (scheme === 'Bearer') return { ...record, auth: 'Bearer', clientId: claimsOf(credential)['appid'] }
  if (scheme === 'SharedKey') return { ...record, auth: 'SharedKey' }
  if (new URL(path, 'https://blob').searchParams.has('sig')) return { ...record, auth: 'SAS' }
  return record
}

/** The claims of a JWT, read without checking it: Azurite checks lifetime, issuer and audience after this. */
function claimsOf(token: string | undefined): Record<string, string | undefined> {
  try {
    return JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, string>
  } catch {
    return {}
  }
}
