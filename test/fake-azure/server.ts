import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { BatchEndpoint, type BatchEndpointOptions } from './batch-endpoint.js'
import type { BatchJob } from './batch-job.js'
import { makeServerCertificate } from './certificate.js'
import { Entra, type EntraOptions, type FakeApp, type RegisteredApp } from './entra.js'
import { jsonReply, type RecordedRequest, type Reply, type Route, type RouteName } from './exchange.js'
import { FaultQueue, faultReply, isReset, isStatus, type Fault } from './faults.js'
import type { JobStatusScript } from './job-statuses.js'
import { ResourceManager, type ResourceManagerOptions } from './resource-manager.js'
import type { IssuedToken } from './tokens.js'

export type FakeAzureOptions = EntraOptions & BatchEndpointOptions & ResourceManagerOptions

export interface FakeAzure {
  /** https://127.0.0.1:<port>: the authority host for @azure/identity. */
  readonly url: string
  /** The batch endpoint's scoring URI, <url>/jobs. */
  readonly scoringUri: string
  /** Where Azure Resource Manager answers: the same origin as `url`, named for the input it is given to. */
  readonly armUrl: string
  /** A PEM file to give clients as NODE_EXTRA_CA_CERTS. */
  readonly caFile: string
  /** The same certificate as text, for trusting it in-process. */
  readonly caCertificate: string
  readonly requests: readonly RecordedRequest[]
  requestsTo(route: RouteName): RecordedRequest[]
  readonly jobs: readonly BatchJob[]
  /** The job of that name (case-sensitive, as Azure ML's job names are), if the batch endpoint created one. */
  jobNamed(name: string): BatchJob | undefined
  /**
   * The status script of jobs created from now on or, given a job's name, the rest of that job's script. Plain
   * statuses move on one per ARM read of the job; timed ones follow the clock from this call (or the job's creation).
   */
  setJobStatuses(statuses: JobStatusScript, jobName?: string): void
  /** TLS connections accepted so far: shows whether clients reuse connections. */
  readonly connections: number
  /** Scripts faults for the next requests to `route`, used one per request in order. */
  fail(route: RouteName, ...faults: Fault[]): void
  readonly apps: readonly RegisteredApp[]
  addApp(app: FakeApp): RegisteredApp
  /** Every access token issued, so tests can check that none leaked into logs. */
  readonly tokens: readonly IssuedToken[]
  readonly entra: Entra
  readonly batchEndpoint: BatchEndpoint
  readonly resourceManager: ResourceManager
  close(): Promise<void>
}

// Generating an RSA key takes a noticeable part of a second; one certificate serves every fake in a process.
let certificate: Promise<{ key: string; cert: string }> | undefined

export async function startFakeAzure(options: FakeAzureOptions = {}): Promise<FakeAzure> {
  certificate ??= makeServerCertificate()
  const { key, cert } = await certificate
  const directory = await mkdtemp(join(tmpdir(), 'fake-azure-'))
  const caFile = join(directory, 'ca.pem')
  await writeFile(caFile, cert)
  const fake = new FakeAzureServer(createServer({ key, cert }), options, caFile, cert)
  await fake.listen()
  return fake
}

class FakeAzureServer implements FakeAzure {
  readonly caFile: string
  readonly caCertificate: string
  readonly requests: RecordedRequest[] = []
  readonly entra: Entra
  readonly batchEndpoint: BatchEndpoint
  readonly resourceManager: ResourceManager
  connections = 0
  private port = 0
  private readonly server: Server
  private readonly routes: Route[]
  private readonly faults = new FaultQueue()
  // TLS sockets do not expose a reset; the TCP socket under each connection does. Keyed by the client's port.
  private readonly tcpSockets = new Map<number, Socket>()
  // Pending fault delays end when the server closes, so they cannot keep a test process alive.
  private readonly closing = new AbortController()

  constructor(server: Server, options: FakeAzureOptions, caFile: string, caCertificate: string) {
    this.server = server
    this.caFile = caFile
    this.caCertificate = caCertificate
    this.entra = new Entra(options)
    this.batchEndpoint = new BatchEndpoint(this.entra.tokens, options)
    // Resource Manager reads and cancels the batch endpoint's own jobs: one store, whichever API a client uses.
    this.resourceManager = new ResourceManager(this.entra.tokens, this.batchEndpoint, options)
    this.routes = [...this.entra.routes, ...this.batchEndpoint.routes, ...this.resourceManager.routes]
    server.on('connection', (socket: Socket) => {
      const port = socket.remotePort
      if (port === undefined) return
      this.tcpSockets.set(port, socket)
      socket.once('close', () => this.tcpSockets.delete(port))
    })
    server.on('secureConnection', () => this.connections++)
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          this.send(response, jsonReply(500, { error: { code: 'FakeAzureBug', message: String(error) } }))
      })
    })
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`
  }

  get scoringUri(): string {
    return `${this.url}/jobs`
  }

  get armUrl(): string {
    return this.url
  }

  get jobs(): readonly BatchJob[] {
    return this.batchEndpoint.jobs
  }

  jobNamed(name: string): BatchJob | undefined {
    return this.batchEndpoint.jobNamed(name)
  }

  setJobStatuses(statuses: JobStatusScript, jobName?: string): void {
    this.batchEndpoint.setJobStatuses(statuses, jobName)
  }

  get apps(): readonly RegisteredApp[] {
    return this.entra.apps
  }

  get tokens(): readonly IssuedToken[] {
    return this.entra.tokens.issued
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    const address = this.server.address()
    if (address === null || typeof address === 'string')
      throw new Error('The fake Azure is not listening on a TCP port')
    this.port = address.port
  }

  requestsTo(route: RouteName): RecordedRequest[] {
    return this.requests.filter(r => r.route === route)
  }

  fail(route: RouteName, ...faults: Fault[]): void {
    this.faults.add(route, faults)
  }

  addApp(app: FakeApp): RegisteredApp {
    return this.entra.addApp(app)
  }

  async close(): Promise<void> {
    this.closing.abort()
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
    await rm(dirname(this.caFile), { recursive: true, force: true })
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const pathname = new URL(request.url ?? '/', 'https://fake').pathname
    const method = request.method ?? 'GET'
    let params: Record<string, string> = {}
    const route = this.routes.find(r => {
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
    if (fault?.delayMs) {
      const slept = await sleep(fault.delayMs, true, { signal: this.closing.signal }).catch(() => false)
      if (!slept) return
    }
    if (isReset(fault) && !fault.afterCreate) return this.reset(request)
    const reply = isStatus(fault) ? faultReply(fault) : route ? route.handle(recorded, params) : this.notFound(recorded)
    if (isReset(fault)) return this.reset(request)
    this.send(response, reply)
  }

  private notFound(request: RecordedRequest): Reply {
    const message = `The fake Azure has no route for ${request.method} ${request.path}.`
    return jsonReply(404, { error: { code: 'NotFound', message } })
  }

  private send(response: ServerResponse, reply: Reply): void {
    // Azure services put a request id on every answer, errors included; users quote it in support cases.
    response.writeHead(reply.status, { 'x-request-id': randomUUID(), ...reply.headers })
    response.end(reply.body)
  }

  /** A real connection reset (RST), not a polite close: what a client sees when a load balancer drops it. */
  private reset(request: IncomingMessage): void {
    const port = request.socket.remotePort
    const tcp = port === undefined ? undefined : this.tcpSockets.get(port)
    if (tcp) tcp.resetAndDestroy()
    else request.socket.destroy()
  }
}
