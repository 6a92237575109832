import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:https'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { AzureCli } from './azure-cli.js'
import { BatchEndpoint, type BatchEndpointOptions } from './batch-endpoint.js'
import type { BatchJob } from './batch-job.js'
import { sharedServerCertificate } from './certificate.js'
import { Dispatcher } from './dispatcher.js'
import { Entra, type EntraOptions, type FakeApp, type RegisteredApp } from './entra.js'
import type { RecordedRequest, RouteName } from './exchange.js'
import type { Fault } from './faults.js'
import { GitHubApi, type GitHubApiOptions } from './github-api.js'
import { GitHubOidc, makeGitHubSigningKey, type GitHubOidcOptions, type GitHubSigningKey } from './github-oidc.js'
import { Imds, type ManagedIdentityOptions } from './imds.js'
import type { JobStatusScript } from './job-statuses.js'
import { ResourceManager, type ResourceManagerOptions } from './resource-manager.js'
import { RunHistory } from './run-history.js'
import type { IssuedToken } from './tokens.js'

export type FakeAzureOptions = EntraOptions &
  BatchEndpointOptions &
  ResourceManagerOptions &
  ManagedIdentityOptions & { github?: GitHubOidcOptions; githubApi?: GitHubApiOptions }

export interface FakeAzure {
  /** https://127.0.0.1:<port>: the authority host for @azure/identity. */
  readonly url: string
  /** The batch endpoint's scoring URI, <url>/jobs. */
  readonly scoringUri: string
  /** Where Azure Resource Manager answers: the same origin as `url`, named for the input it is given to. */
  readonly armUrl: string
  /** http://127.0.0.1:<port>: the Instance Metadata Service, plain HTTP. For AZURE_POD_IDENTITY_AUTHORITY_HOST. */
  readonly imdsUrl: string
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
  /** Run history on the workspace's regional API host (https://eastus2.api.azureml.ms through the test proxy). */
  readonly runHistory: RunHistory
  /** GitHub's OIDC token service: what a job's ACTIONS_ID_TOKEN_REQUEST_* say, and the ID tokens handed out. */
  readonly github: GitHubOidc
  /** GitHub's REST API (compare two commits) at `url`, for GITHUB_API_URL; it takes `githubApi.token`. */
  readonly githubApi: GitHubApi
  /** The managed identities IMDS answers for. */
  readonly imds: Imds
  /** The accounts the fake az (installFakeAz) is signed in with. */
  readonly azureCli: AzureCli
  close(): Promise<void>
}

// Generating an RSA key takes a noticeable part of a second; one GitHub signing key serves every fake in a process.
let githubKey: Promise<GitHubSigningKey> | undefined

export async function startFakeAzure(options: FakeAzureOptions = {}): Promise<FakeAzure> {
  githubKey ??= makeGitHubSigningKey()
  const [{ key, cert }, signingKey] = await Promise.all([sharedServerCertificate(), githubKey])
  const directory = await mkdtemp(join(tmpdir(), 'fake-azure-'))
  const caFile = join(directory, 'ca.pem')
  await writeFile(caFile, cert)
  const fake = new FakeAzureServer(createServer({ key, cert }), options, caFile, cert, signingKey)
  await fake.listen()
  return fake
}

class FakeAzureServer implements FakeAzure {
  readonly caFile: string
  readonly caCertificate: string
  readonly entra: Entra
  readonly batchEndpoint: BatchEndpoint
  readonly resourceManager: ResourceManager
  readonly runHistory: RunHistory
  readonly github: GitHubOidc
  readonly githubApi: GitHubApi
  readonly imds: Imds
  readonly azureCli: AzureCli
  connections = 0
  private readonly server: Server
  // IMDS is plain HTTP on a port of its own, as on a VM: clients find it through their own setting, not the authority.
  private readonly imdsServer: Server = createHttpServer()
  private readonly dispatcher = new Dispatcher()

  constructor(server: Server, options: FakeAzureOptions, caFile: string, caCertificate: string, key: GitHubSigningKey) {
    this.server = server
    this.caFile = caFile
    this.caCertificate = caCertificate
    this.github = new GitHubOidc(key, options.github ?? {}, () => this.url)
    this.githubApi = new GitHubApi(() => this.github.repository, options.githubApi)
    // Entra trusts the fake GitHub's signing key, as it trusts the keys GitHub publishes for its issuer.
    this.entra = new Entra(options, kid => this.github.signingKey(kid))
    this.batchEndpoint = new BatchEndpoint(this.entra.tokens, options)
    // Resource Manager reads and cancels the batch endpoint's own jobs: one store, whichever API a client uses.
    this.resourceManager = new ResourceManager(this.entra.tokens, this.batchEndpoint, options)
    this.runHistory = new RunHistory(this.entra.tokens, this.batchEndpoint, this.resourceManager.audiences)
    this.resourceManager.onStatusRead = (job, status) => this.runHistory.statusRead(job, status)
    this.imds = new Imds(this.entra.tokens, options)
    this.azureCli = new AzureCli(this.entra)
    this.dispatcher.attach(server, [
      ...this.entra.routes,
      ...this.batchEndpoint.routes,
      ...this.resourceManager.routes,
      ...this.runHistory.routes,
      ...this.github.routes,
      ...this.githubApi.routes,
      ...this.azureCli.routes
    ])
    this.dispatcher.attach(this.imdsServer, this.imds.routes)
    server.on('secureConnection', () => this.connections++)
  }

  get url(): string {
    return `https://127.0.0.1:${port(this.server)}`
  }

  get imdsUrl(): string {
    return `http://127.0.0.1:${port(this.imdsServer)}`
  }

  get scoringUri(): string {
    return `${this.url}/jobs`
  }

  get armUrl(): string {
    return this.url
  }

  get requests(): readonly RecordedRequest[] {
    return this.dispatcher.requests
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
    for (const server of [this.server, this.imdsServer]) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
    }
  }

  requestsTo(route: RouteName): RecordedRequest[] {
    return this.requests.filter(r => r.route === route)
  }

  fail(route: RouteName, ...faults: Fault[]): void {
    this.dispatcher.fail(route, faults)
  }

  addApp(app: FakeApp): RegisteredApp {
    return this.entra.addApp(app)
  }

  async close(): Promise<void> {
    this.dispatcher.close()
    await Promise.all([this.server, this.imdsServer].map(closeServer))
    await rm(dirname(this.caFile), { recursive: true, force: true })
  }
}

function port(server: Server): number {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('The fake Azure is not listening on a TCP port')
  return address.port
}

// Keep-alive connections would hold close() open until they time out.
function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>(resolve => server.close(() => resolve()))
  ;(server as Server & { closeAllConnections(): void }).closeAllConnections()
  return closed
}
