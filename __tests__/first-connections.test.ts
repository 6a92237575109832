// The connections the entry opens before the libraries load: to which hosts, and when none at all.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { closeEarlyConnections } from '../src/azure/early-connection.js'
import { connectForFirstRequests, firstRequestOrigins, readFirstRequests } from '../src/first-connections.js'
import { markPostStep } from '../src/step-kind.js'
import { until } from '../test/e2e/runner-cancel.js'
import { inProcessFakeAzure } from '../test/unit/in-process-fake.js'

const tenant = randomUUID()
const client = randomUUID()
const endpoint = 'https://my-endpoint.eastus2.inference.ml.azure.com/jobs'

/** The runner's variables for these inputs, a client secret's sign-in and an endpoint-uri by default. */
function runnerEnv(inputs: Record<string, string> = {}, more: Record<string, string> = {}): NodeJS.ProcessEnv {
  const all: Record<string, string> = {
    'tenant-id': tenant,
    'client-id': client,
    'client-secret': 'Qx8~secret',
    'endpoint-uri': endpoint,
    ...inputs
  }
  const env: NodeJS.ProcessEnv = { ...more }
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

function origins(inputs: Record<string, string> = {}, more: Record<string, string> = {}): string[] | undefined {
  const env = runnerEnv(inputs, more)
  const first = readFirstRequests(env)
  return first && firstRequestOrigins(first, env)
}

describe('the hosts of the first requests', () => {
  it("is Entra's and the endpoint's for a client secret and an endpoint-uri", () => {
    expect(origins()).toEqual(['https://login.microsoftonline.com', endpoint])
  })

  it("follows the cloud, the authority host and creds' own authority", () => {
    expect(origins({ environment: 'azureusgovernment' })?.[0]).toBe('https://login.microsoftonline.us')
    expect(origins({ 'authority-host': 'https://login.contoso.example' })?.[0]).toBe('https://login.contoso.example')
    const creds = JSON.stringify({
      clientId: client,
      clientSecret: 'Qx8~secret',
      tenantId: tenant,
      activeDirectoryEndpointUrl: 'https://login.partner.example'
    })
    const fromCreds = { 'tenant-id': '', 'client-id': '', 'client-secret': '', creds }
    expect(origins(fromCreds)).toEqual(['https://login.partner.example', endpoint])
  })

  it("opens the endpoint's scoring URI as main will send to it", () => {
    expect(origins({ 'endpoint-uri': 'https://e.westus.inference.ml.azure.com/' })).toEqual([
      'https://login.microsoftonline.com',
      'https://e.westus.inference.ml.azure.com/jobs'
    ])
  })

  it("with OpenID Connect, GitHub's token service comes first", () => {
    const oidc = { 'client-secret': '', 'auth-type': 'oidc' }
    const tokenService = 'https://pipelines.actions.githubusercontent.com/abc/idtoken?api-version=2.0'
    expect(origins(oidc, { ACTIONS_ID_TOKEN_REQUEST_URL: tokenService })).toEqual([
      tokenService,
      'https://login.microsoftonline.com',
      endpoint
    ])
  })

  it('a managed identity and az reach no Entra host of their own: only the endpoint', () => {
    const none = { 'tenant-id': '', 'client-id': '', 'client-secret': '' }
    expect(origins({ ...none, 'auth-type': 'managed-identity' })).toEqual([endpoint])
    expect(origins({ ...none, 'auth-type': 'azure-cli' })).toEqual([endpoint])
  })

  it('leaves the endpoint out when something comes before the submission, or none follows', () => {
    const entra = ['https://login.microsoftonline.com']
    expect(origins({ 'input-path': 'data' })).toEqual(entra)
    expect(origins({ 'dry-run': 'true' })).toEqual(entra)
    expect(origins({ 'endpoint-uri': '', 'endpoint-name': 'my-endpoint' })).toEqual(entra)
    expect(origins({ 'endpoint-uri': '', 'job-id': 'batchjob-1' })).toEqual(entra)
  })

  it('opens nothing over plain HTTP', () => {
    const oidc = { 'client-secret': '', 'auth-type': 'oidc' }
    expect(origins(oidc, { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://token.example/x' })).toEqual([
      'https://login.microsoftonline.com',
      endpoint
    ])
  })

  it('is nothing at all while an input that names a host, or the sign-in, has a problem', () => {
    expect(origins({ 'endpoint-uri': `${endpoint}?code=abc` })).toBeUndefined()
    expect(origins({ 'endpoint-uri': 'http://my-endpoint.example/jobs' })).toBeUndefined()
    expect(origins({ 'authority-host': 'https://login.contoso.example/tenant' })).toBeUndefined()
    expect(origins({ 'tenant-id': 'not-a-tenant' })).toBeUndefined()
    expect(origins({ 'client-secret': '' })).toBeUndefined()
    expect(origins({ environment: 'moon' })).toBeUndefined()
    expect(origins({ 'dry-run': 'maybe' })).toBeUndefined()
  })
})

describe('opening them', () => {
  const fake = inProcessFakeAzure()
  afterEach(() => closeEarlyConnections())

  /** Entra on the fake as 'localhost', the endpoint as 127.0.0.1: two hosts, one server that counts connections. */
  function atFake(inputs: Record<string, string> = {}, more: Record<string, string> = {}): NodeJS.ProcessEnv {
    const { port } = new URL(fake().url)
    return runnerEnv(
      { 'authority-host': `https://localhost:${port}`, 'endpoint-uri': `https://127.0.0.1:${port}/jobs`, ...inputs },
      more
    )
  }

  async function connectionsOpenedBy(env: NodeJS.ProcessEnv, expected = 0): Promise<number> {
    const before = fake().connections
    connectForFirstRequests(env)
    // Handshakes on loopback take milliseconds: a connection that would open has within this.
    await sleep(300)
    await until(() => fake().connections - before >= expected, `${expected} connections`)
    return fake().connections - before
  }

  it('opens one connection to each host', async () => {
    expect(await connectionsOpenedBy(atFake(), 2)).toBe(2)
  })

  it('opens nothing behind a proxy, or with a problem in the inputs', async () => {
    expect(await connectionsOpenedBy(atFake({}, { HTTPS_PROXY: 'http://127.0.0.1:3128' }))).toBe(0)
    expect(await connectionsOpenedBy(atFake({ 'tenant-id': 'not-a-tenant' }))).toBe(0)
  })

  it("costs only its own connection when the runner's token service is not a URL", async () => {
    const oidc = { 'client-secret': '', 'auth-type': 'oidc' }
    const env = atFake(oidc, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token service/x' })
    expect(await connectionsOpenedBy(env, 2)).toBe(2)
  })

  it('opens nothing in the post step', async () => {
    markPostStep()
    try {
      expect(await connectionsOpenedBy(atFake())).toBe(0)
    } finally {
      Reflect.deleteProperty(globalThis, Symbol.for('azureml-batch-score.post-step'))
    }
  })
})
