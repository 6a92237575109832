// Every way to sign in, end to end: dist/index.js against the fake Azure, with the real @azure/identity inside it.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { makeClientCertificate } from '../../test/fake-azure/client-certificate.js'
import { installFakeAz } from '../../test/fake-azure/install-fake-az.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'

let scenario: Scenario
afterEach(async () => scenario?.fake.close())

const githubIssuer = 'https://token.actions.githubusercontent.com'
const subject = 'repo:contoso/heart-data:ref:refs/heads/main'
const federated = {
  federatedCredentials: [{ issuer: githubIssuer, subject, audiences: ['api://AzureADTokenExchange'] }]
}
// The token the endpoint received was issued by the fake to this app, for the ML audience.
function submittedAs(s: Scenario) {
  const authorization = s.fake.requestsTo('submit')[0]?.headers['authorization']
  return s.fake.tokens.find(t => `Bearer ${t.accessToken}` === authorization)
}
function form(body: string): URLSearchParams {
  return new URLSearchParams(body)
}

describe('OpenID Connect', () => {
  it('signs in with a GitHub ID token and no secret at all', async () => {
    scenario = await startScenario({}, { ...federated, clientSecret: undefined })
    const result = await scenario.run({ 'client-secret': undefined }, { env: scenario.fake.github.env })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(`Signing in as the service principal ${scenario.app.clientId} (OpenID Connect`)
    expect(scenario.fake.requestsTo('githubIdToken')[0]!.path).toContain('audience=api%3A%2F%2FAzureADTokenExchange')
    const tokenRequest = form(scenario.fake.requestsTo('token')[0]!.body)
    expect(tokenRequest.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
    expect(scenario.fake.github.issued).toContain(tokenRequest.get('client_assertion'))
    expect(submittedAs(scenario)).toMatchObject({ clientId: scenario.app.clientId, audience: 'https://ml.azure.com' })
    expect(scenario.leaks(result)).toEqual([])
  })

  it('asks GitHub for a fresh ID token each time Entra needs one during a long wait', async () => {
    scenario = await startScenario(
      {
        tokenLifetimeSeconds: 2,
        github: { idTokenLifetimeSeconds: 3 },
        jobStatuses: ['Running', 'Running', 'Running', 'Running', 'Running', 'Completed']
      },
      { ...federated, clientSecret: undefined }
    )
    const result = await scenario.run(
      {
        'client-secret': undefined,
        wait: 'true',
        'poll-interval': '1s',
        'resource-manager-endpoint': scenario.fake.url
      },
      { env: scenario.fake.github.env }
    )
    expect(result.exitCode).toBe(0)
    const tokenRequests = scenario.fake.requestsTo('token')
    expect(tokenRequests.length).toBeGreaterThan(2)
    // Every assertion Entra saw was a GitHub ID token that had not expired when it arrived.
    for (const request of tokenRequests) {
      const assertion = form(request.body).get('client_assertion')!
      const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()) as { exp: number }
      expect(claims.exp * 1000).toBeGreaterThan(request.time)
    }
    expect(new Set(tokenRequests.map(r => form(r.body).get('client_assertion'))).size).toBeGreaterThan(1)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('shows the token claims when no federated credential matches', async () => {
    scenario = await startScenario(
      {},
      {
        clientSecret: undefined,
        federatedCredentials: [
          {
            issuer: githubIssuer,
            subject: 'repo:contoso/heart-data:environment:prod',
            audiences: ['api://AzureADTokenExchange']
          }
        ]
      }
    )
    const result = await scenario.run({ 'client-secret': undefined }, { env: scenario.fake.github.env })
    expect(result.exitCode).toBe(1)
    const message = errorMessage(result)
    expect(message).toMatch(/AADSTS700213/)
    expect(message).toContain(`sub '${subject}'`)
    expect(message).toContain("aud 'api://AzureADTokenExchange'")
    expect(message).toContain(`iss '${githubIssuer}'`)
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('without id-token permission, auth-type oidc fails before any request', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'client-secret': undefined, 'auth-type': 'oidc' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('permissions:\n  id-token: write')
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('certificate', () => {
  it('signs in with the PEM of a certificate and its key', async () => {
    const certificate = await makeClientCertificate()
    scenario = await startScenario({}, { clientSecret: undefined, certificate: certificate.certificatePem })
    const result = await scenario.run({ 'client-secret': undefined, 'client-certificate': certificate.combinedPem })
    expect(result.exitCode).toBe(0)
    expect(form(scenario.fake.requestsTo('token')[0]!.body).get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    )
    expect(submittedAs(scenario)).toMatchObject({ clientId: scenario.app.clientId })
    const keyLines = certificate.privateKeyPem.split('\n').filter(line => line.length > 20 && !line.startsWith('-----'))
    expect(scenario.leaks({ ...result })).toEqual([])
    expect(result.masked).toEqual(expect.arrayContaining(keyLines))
    for (const line of keyLines) expect(result.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(line)
  })

  it('explains a certificate the app does not have', async () => {
    const [registered, other] = await Promise.all([makeClientCertificate(), makeClientCertificate()])
    scenario = await startScenario({}, { clientSecret: undefined, certificate: registered.certificatePem })
    const result = await scenario.run({ 'client-secret': undefined, 'client-certificate': other.combinedPem })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('AADSTS700027')
    expect(errorMessage(result)).toContain("is not one of app '")
  })

  it('refuses a secret and a certificate together before any request', async () => {
    const certificate = await makeClientCertificate()
    scenario = await startScenario()
    const result = await scenario.run({ 'client-certificate': certificate.combinedPem })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Inputs 'client-secret' and 'client-certificate' are both given")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('managed identity', () => {
  const identities = {
    systemAssigned: { clientId: randomUUID() },
    userAssigned: [{ clientId: randomUUID() }]
  }

  it.each([
    ['system-assigned', undefined],
    ['user-assigned', identities.userAssigned[0]!.clientId]
  ])('signs in with the %s identity through IMDS', async (_kind, clientId) => {
    scenario = await startScenario({ managedIdentities: identities })
    const result = await scenario.run(
      { 'auth-type': 'managed-identity', 'tenant-id': undefined, 'client-id': clientId, 'client-secret': undefined },
      { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: scenario.fake.imdsUrl } }
    )
    expect(result.exitCode).toBe(0)
    const imds = scenario.fake.requestsTo('imdsToken')
    expect(imds[0]!.headers['metadata']).toBe('true')
    expect(submittedAs(scenario)!.clientId).toBe(clientId ?? identities.systemAssigned.clientId)
    expect(scenario.fake.requestsTo('token')).toHaveLength(0)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('explains a runner without a managed identity', async () => {
    scenario = await startScenario({ managedIdentities: identities })
    const result = await scenario.run(
      { 'auth-type': 'managed-identity', 'client-id': randomUUID(), 'client-secret': undefined },
      { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: scenario.fake.imdsUrl } }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('No managed identity answered on this runner')
  })
})

describe('an existing Azure CLI login', () => {
  it('reuses az login', async () => {
    scenario = await startScenario()
    const az = await installFakeAz(scenario.fake, {
      account: { tenantId: scenario.app.tenantId, clientId: scenario.app.clientId }
    })
    const result = await scenario.run(
      { 'auth-type': 'azure-cli', 'client-secret': undefined, 'client-id': undefined, 'tenant-id': undefined },
      { env: { PATH: `${az.binDir}:${process.env.PATH}` } }
    )
    expect(result.exitCode).toBe(0)
    const invocations = readFileSync(az.invocationsFile, 'utf8')
    expect(invocations).toContain(
      JSON.stringify(['account', 'get-access-token', '--output', 'json', '--resource', 'https://ml.azure.com'])
    )
    expect(submittedAs(scenario)).toMatchObject({ clientId: scenario.app.clientId, audience: 'https://ml.azure.com' })
    expect(scenario.fake.requestsTo('token')).toHaveLength(0)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('explains an az that is not signed in', async () => {
    scenario = await startScenario()
    const az = await installFakeAz(scenario.fake)
    const result = await scenario.run(
      { 'auth-type': 'azure-cli', 'client-secret': undefined },
      { env: { PATH: `${az.binDir}:${process.env.PATH}` } }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('run azure/login in an earlier step')
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })
})

describe("Azure/login's creds", () => {
  it('signs in with the creds JSON', async () => {
    scenario = await startScenario()
    const { tenantId, clientId, clientSecret } = scenario.app
    const result = await scenario.run({
      'tenant-id': undefined,
      'client-id': undefined,
      'client-secret': undefined,
      creds: JSON.stringify({ clientId, clientSecret, tenantId, subscriptionId: randomUUID() })
    })
    expect(result.exitCode).toBe(0)
    expect(submittedAs(scenario)).toMatchObject({ clientId })
    expect(scenario.leaks(result)).toEqual([])
  })

  it('lets the individual inputs win, with a warning', async () => {
    scenario = await startScenario()
    const result = await scenario.run({
      creds: JSON.stringify({ clientId: randomUUID(), clientSecret: 'other', tenantId: randomUUID() })
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain("::warning::'creds' was ignored")
    expect(submittedAs(scenario)).toMatchObject({ clientId: scenario.app.clientId })
  })
})
