// Every way of signing in ends at the token deadline, in-process: the real @azure/identity credentials against the fake
// Azure (over real TLS; IMDS over plain HTTP as on a VM; az as a child process), with a deadline of half a second
// where production waits 30 s. bounded-waits.e2e.test.ts waits out the real one once.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { createCredential, SignInError, type SignInSettings } from '../../src/sign-in/credential.js'
import { requestGitHubIdToken } from '../../src/sign-in/github-id-token.js'
import type { SignIn } from '../../src/sign-in/sign-in.js'
import type { RouteName } from '../../test/fake-azure/exchange.js'
import { installFakeAz } from '../../test/fake-azure/install-fake-az.js'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const app = {
  tenantId: randomUUID(),
  clientId: randomUUID(),
  federatedCredentials: [
    {
      issuer: 'https://token.actions.githubusercontent.com',
      subject: 'repo:contoso/heart-data:ref:refs/heads/main',
      audiences: ['api://AzureADTokenExchange']
    }
  ]
}
const scope = 'https://ml.azure.com/.default'
const deadlineMs = 500
const environment = { ...process.env }
const fake = inProcessFakeAzure({ apps: [app], managedIdentities: { systemAssigned: { clientId: randomUUID() } } })

afterEach(() => {
  process.env = { ...environment }
})

function credentialFor(signIn: SignIn) {
  const settings: SignInSettings = { signIn, authorityHost: fake().url, customAuthorityHost: true }
  const deps = { getIdToken: (audience: string) => requestGitHubIdToken(audience, fake().github.env), mask: () => {} }
  return createCredential(settings, deps, deadlineMs)
}

/** The token fetch's failure: a SignInError, whose message the step fails with. */
async function failure(fetch: Promise<unknown>): Promise<string> {
  const error: unknown = await fetch.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(SignInError)
  return (error as Error).message
}

/** The request to `route` was given up by the client, which closed it; the fake notices a moment later. */
async function abandoned(route: RouteName, withinMs = 2_000): Promise<void> {
  for (let waited = 0; waited < withinMs && !fake().requestsTo(route).at(-1)?.closedEarly; waited += 20) await sleep(20)
  expect(fake().requestsTo(route).length).toBeGreaterThan(0)
  expect(
    fake()
      .requestsTo(route)
      .every(request => request.closedEarly)
  ).toBe(true)
}

describe('a token that does not come within the deadline', () => {
  it("ends OpenID Connect when GitHub's ID-token service stops answering, asking Entra nothing", async () => {
    fake().fail('githubIdToken', { hang: true })
    const signIn: SignIn = { kind: 'oidc', tenantId: app.tenantId, clientId: app.clientId, audience: 'api://x' }
    const message = await failure(credentialFor(signIn).getToken(scope))
    expect(message).toMatch(/^GitHub's ID-token service did not answer within 0\.5 s/)
    expect(message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL')
    await abandoned('githubIdToken')
    expect(fake().requestsTo('token')).toHaveLength(0)
  })

  it('ends a managed identity when IMDS stops answering', async () => {
    process.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] = fake().imdsUrl
    fake().fail('imdsToken', { hang: true })
    const message = await failure(credentialFor({ kind: 'managed-identity', clientId: undefined }).getToken(scope))
    expect(message).toMatch(/^The Instance Metadata Service \(IMDS\) at 127\.0\.0\.1:\d+ did not answer within 0\.5 s/)
    await abandoned('imdsToken')
  })

  it('ends an az login when az stops answering, and kills az just after', async () => {
    const az = await installFakeAz(fake(), { account: { tenantId: app.tenantId } })
    process.env['PATH'] = `${az.binDir}:${environment['PATH']}`
    fake().fail('azCliToken', { hang: true })
    const message = await failure(credentialFor({ kind: 'azure-cli', tenantId: undefined }).getToken(scope))
    expect(message).toMatch(/^The Azure CLI \(az account get-access-token\) did not answer within 0\.5 s/)
    // The fake az waits on the fake forever: only its being killed, 2 s past the deadline, closes that request.
    await abandoned('azCliToken', 10_000)
  })
})
