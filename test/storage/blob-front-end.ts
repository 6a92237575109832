import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Agent, createServer, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream/promises'
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
}

export interface BlobFrontEnd {
  readonly port: number
  readonly requests: readonly BlobRequest[]
  /** Lower-cased client ids refused a data role; a test may change it between requests. */
  readonly denyClients: Set<string>
  /** Blob names whose downloads break off halfway, every time: the connection drops mid-body. */
  readonly brokenDownloads: Set<string>
  close(): Promise<void>
}

const mismatch = 'This request is not authorized to perform this operation using this permission.'

export async function startBlobFrontEnd(options: BlobFrontEndOptions): Promise<BlobFrontEnd> {
  const { cert, key } = options.certificate ?? (await sharedServerCertificate())
  const requests: BlobRequest[] = []
  const denyClients = new Set((options.denyClients ?? []).map(id => id.toLowerCase()))
  const brokenDownloads = new Set<string>()
  const upstream = new Agent({ keepAlive: true, ca: cert })
  const server = createServer({ key, cert }, (request, response) => {
    const record = recordOf(request)
    requests.push(record)
    response.once('finish', () => (record.status = response.statusCode))
    if (record.auth === 'Bearer' && denyClients.has(record.clientId?.toLowerCase() ?? '')) {
      permissionMismatch(request, response)
      return
    }
    const blobPath = decodeURIComponent(new URL(record.path, 'https://blob').pathname)
    const broken = request.method === 'GET' && [...brokenDownloads].some(name => blobPath.endsWith(`/${name}`))
    forward(request, response, options.azuritePort, upstream, broken).catch(() => response.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    denyClients,
    brokenDownloads,
    async close() {
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      upstream.destroy()
      await closed
    }
  }
}

async function forward(
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
  agent: Agent,
  breakOff = false
) {
  const answer = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = httpsRequest(
      { host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent },
      resolve
    )
    outgoing.on('error', reject)
    pipeline(request, outgoing).catch(reject)
  })
  response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers)
  if (!breakOff) return pipeline(answer, response)
  // Half the body, then the connection drops, as a network failure mid-download looks to the client.
  const half = Math.floor(Number(answer.headers['content-length'] ?? 0) / 2)
  let sent = 0
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    const part = chunk.subarray(0, Math.max(0, half - sent))
    if (part.length > 0) response.write(part)
    sent += part.length
    if (sent >= half) break
  }
  response.socket?.destroy()
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

function recordOf(request: IncomingMessage): BlobRequest {
  const path = request.url ?? '/'
  const record: BlobRequest = {
    method: request.method ?? 'GET',
    host: request.headers.host ?? '',
    path,
    auth: 'Anonymous',
    status: 0
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
