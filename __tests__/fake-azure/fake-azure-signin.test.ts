// Every way the action signs in, against the real @azure/identity (MSAL) and @actions/core pointed at the fake:
// GitHub's OIDC token service and federated credentials, certificates, managed identity through IMDS, the Azure CLI.
import { randomUUID } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import tls from 'node:tls'
import * as core from '@actions/core'
import {
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ManagedIdentityCredential
} from '@azure/identity'
import { makeClientCertificate, type ClientCertificate } from '../../test/fake-azure/client-certificate.js'
import { installFakeAz } from '../../test/fake-azure/install-fake-az.js'
import { startFakeAzure, type FakeAzure } from '../../test/fake-azure/server.js'
import { saveEnvironment } from '../../test/unit/saved-environment.js'

const tenantId = randomUUID()
const exchangeAudience = 'api://AzureADTokenExchange'
const githubIssuer = 'https://token.actions.githubusercontent.com'
const subject = 'repo:contoso/heart-data:ref:refs/heads/main'
const oidcApp = {
  tenantId,
  clientId: randomUUID(),
  federatedCredentials: [{ issuer: githubIssuer, subject, audiences: [exchangeAudience] }]
}
const certificateAppId = randomUUID()
const systemAssigned = { clientId: randomUUID(), objectId: randomUUID() }
const userAssigned = { clientId: randomUUID(), objectId: randomUUID() }
const mlScope = 'https://ml.azure.com/.default'
const armScope = 'https://management.azure.com/.default'

// Variables these tests set, and the ones that would steer MSAL to another managed identity source than IMDS.
const touchedEnv = [
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'AZURE_POD_IDENTITY_AUTHORITY_HOST',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'IDENTITY_SERVER_THUMBPRINT',
  'IMDS_ENDPOINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
  'AZURE_FEDERATED_TOKEN_FILE',
  'PATH'
]
const environment = saveEnvironment(touchedEnv)
const defaultCAs = tls.getCACertificates('default')

let fake: FakeAzure
let certificate: ClientCertificate
let otherCertificate: ClientCertificate

function claims(jwt: string, part: 0 | 1 = 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[part] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

function options() {
  return { authorityHost: fake.url, disableInstanceDiscovery: true }
}

/** Runs `action` with stdout captured: @actions/core writes its workflow commands (::add-mask::) there. */
async function capturingStdout<T>(action: () => Promise<T>): Promise<{ result: T; stdout: string }> {
  const write = process.stdout.write
  let stdout = ''
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }) as typeof process.stdout.write
  try {
    return { result: await action(), stdout }
  } finally {
    process.stdout.write = write
  }
}

function githubAssertion(): ClientAssertionCredential {
  const idToken = async () => (await capturingStdout(() => core.getIDToken(exchangeAudience))).result
  return new ClientAssertionCredential(tenantId, oidcApp.clientId, idToken, options())
}

/** The message a credential's getToken rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await promise.then(
    () => new Error('expected the sign-in to fail'),
    (e: unknown) => e as Error
  )
  return { name: error.name, message: error.message }
}

function get(url: string, headers: Record<string, string> = {}) {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = send(url, { headers, agent: false }, response => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (body += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
    request.on('error', reject)
    request.end()
  })
}

beforeAll(async () => {
  ;[certificate, otherCertificate] = await Promise.all([makeClientCertificate(), makeClientCertificate()])
  fake = await startFakeAzure({
    apps: [oidcApp, { tenantId, clientId: certificateAppId, certificate: certificate.certificatePem }],
    managedIdentities: { tenantId, systemAssigned, userAssigned: [userAssigned] }
  })
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  for (const name of touchedEnv) if (name !== 'PATH') Reflect.deleteProperty(process.env, name)
  Object.assign(process.env, fake.github.env)
  // MSAL reads it when it first picks a managed identity source, and keeps that source for the life of the process.
  process.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] = fake.imdsUrl
})

afterAll(async () => {
  environment.restore()
  tls.setDefaultCACertificates(defaultCAs)
  await fake.close()
})

describe("GitHub's OIDC token service, through core.getIDToken", () => {
  it('issues an RS256 ID token with the claims GitHub puts in one, and has the runner mask it', async () => {
    const { result: idToken, stdout } = await capturingStdout(() => core.getIDToken(exchangeAudience))
    expect(claims(idToken, 0)).toMatchObject({ typ: 'JWT', alg: 'RS256', kid: expect.any(String) })
    const payload = claims(idToken)
    expect(payload).toMatchObject({
      iss: githubIssuer,
      sub: subject,
      aud: exchangeAudience,
      repository: 'contoso/heart-data',
      ref: 'refs/heads/main',
      run_id: fake.github.runId
    })
    expect(Number(payload['exp']) - Number(payload['iat'])).toBe(300)
    expect(fake.github.issued.at(-1)).toBe(idToken)
    expect(stdout).toContain(`::add-mask::${idToken}`)
    const [request] = fake.requestsTo('githubIdToken')
    expect(request?.path).toBe('/github/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange')
    expect(request?.headers['authorization']).toBe(`Bearer ${fake.github.requestToken}`)
  })

  it('refuses a request without the job token (401) or with another (403)', async () => {
    const url = `${fake.github.idTokenRequestUrl}&audience=x`
    expect((await get(url)).status).toBe(401)
    expect((await get(url, { authorization: 'Bearer not-this-job' })).status).toBe(403)
  })
})

describe('client assertions', () => {
  it('signs in with a GitHub ID token a federated credential names; identity fetches two a getToken', async () => {
    const credential = githubAssertion()
    const [issuedBefore, sentBefore] = [fake.github.issued.length, fake.requestsTo('token').length]
    const ml = await credential.getToken(mlScope)
    const cached = await credential.getToken(mlScope)
    const arm = await credential.getToken(armScope)
    expect(claims(ml.token)).toMatchObject({ aud: 'https://ml.azure.com', appid: oidcApp.clientId, tid: tenantId })
    expect(claims(arm.token)).toMatchObject({ aud: 'https://management.azure.com', appid: oidcApp.clientId })
    expect(cached.token).toBe(ml.token)
    // @azure/identity hands MSAL the callback twice (in the app's configuration and in the request), and MSAL calls
    // both before it looks in its cache: two ID tokens per getToken, the first of them sent, even for a cached token.
    const fetched = fake.github.issued.slice(issuedBefore)
    expect(fetched).toHaveLength(6)
    const sent = fake.requestsTo('token').slice(sentBefore)
    expect(sent.map(r => Object.fromEntries(new URLSearchParams(r.body)))).toEqual([
      expect.objectContaining({
        grant_type: 'client_credentials',
        client_id: oidcApp.clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: fetched[0],
        scope: mlScope
      }),
      expect.objectContaining({ client_assertion: fetched[4], scope: armScope })
    ])
  })

  it('answers AADSTS700213 for a subject no federated credential names, 7002138 if only its case differs', async () => {
    try {
      fake.github.subject = 'repo:contoso/heart-data:environment:production'
      const other = await failure(githubAssertion().getToken(mlScope))
      fake.github.subject = 'repo:Contoso/heart-data:ref:refs/heads/main'
      const cased = await failure(githubAssertion().getToken(mlScope))
      // MSAL's ServerError message: "<error>: Error(s): <codes> - Timestamp: <t> - Description: <error_description>
      // - Correlation ID: <id> - Trace ID: <id>", the description being Entra's, trace lines and all.
      expect(other.name).toBe('AuthenticationRequiredError')
      expect(other.message).toMatch(
        /^invalid_client: Error\(s\): 700213 - Timestamp: \S+ \S+ - Description: AADSTS700213: /
      )
      expect(other.message).toContain(
        "No matching federated identity record found for presented assertion subject 'repo:contoso/heart-data:" +
          "environment:production'. Check your federated identity credential Subject, Audience and Issuer " +
          'against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-' +
          'federation\r\nTrace ID: '
      )
      expect(other.message).toMatch(/\r\nTimestamp: \S+ \S+ - Correlation ID: \S+ - Trace ID: \S+$/)
      expect(cased.message).toMatch(/^invalid_client: Error\(s\): 7002138 - .* Description: AADSTS7002138: /)
      expect(cased.message).toContain(
        "subject 'repo:Contoso/heart-data:ref:refs/heads/main'. The subject matches with case-insensitive " +
          'comparison, but not with case-sensitive comparison.'
      )
    } finally {
      fake.github.subject = subject
    }
  })

  it('answers AADSTS700024 for an expired ID token', async () => {
    const expired = fake.github.issueIdToken(exchangeAudience, Date.now() - 10 * 60 * 1000)
    const credential = new ClientAssertionCredential(tenantId, oidcApp.clientId, async () => expired, options())
    const error = await failure(credential.getToken(mlScope))
    expect(error.name).toBe('AuthenticationRequiredError')
    expect(error.message).toMatch(
      / - Description: AADSTS700024: Client assertion is not within its valid time range\. /
    )
    // .NET's round-trip format, seven fractional digits.
    expect(error.message).toMatch(
      /Current time: \S+\.\d{7}Z, assertion valid from \S+Z, expiry time of assertion \S+Z\./
    )
  })

  it('signs in with a certificate: MSAL signs PS256 and names the key by its SHA-256 thumbprint', async () => {
    const credential = new ClientCertificateCredential(
      tenantId,
      certificateAppId,
      { certificate: certificate.combinedPem },
      options()
    )
    const token = await credential.getToken(mlScope)
    expect(claims(token.token)).toMatchObject({ aud: 'https://ml.azure.com', appid: certificateAppId })
    const assertion = new URLSearchParams(fake.requestsTo('token').at(-1)?.body).get('client_assertion') ?? ''
    // No x5c: identity sends the certificate chain only with sendCertificateChain (subject name/issuer sign-in).
    expect(claims(assertion, 0)).toEqual({ alg: 'PS256', typ: 'JWT', 'x5t#S256': expect.any(String) })
    expect(claims(assertion)).toMatchObject({
      aud: `${fake.url}/${tenantId}/oauth2/v2.0/token`,
      iss: certificateAppId,
      sub: certificateAppId
    })
  })

  it('answers AADSTS700027 for a certificate not registered on the app, or a key that is not its own', async () => {
    const signIn = (certificatePem: string) =>
      new ClientCertificateCredential(tenantId, certificateAppId, { certificate: certificatePem }, options())
    const notFound = await failure(signIn(otherCertificate.combinedPem).getToken(mlScope))
    const invalid = await failure(
      signIn(`${otherCertificate.privateKeyPem}${certificate.certificatePem}`).getToken(mlScope)
    )
    expect(notFound.message).toContain(
      'Description: AADSTS700027: The certificate with identifier used to sign the client assertion is not ' +
        'registered on application. [Reason - The key was not found., Thumbprint of key used by client: '
    )
    expect(invalid.message).toContain(
      'Description: AADSTS700027: Client assertion contains an invalid signature. [Reason - Key was found, but use ' +
        'of the key to verify the signature failed., '
    )
  })
})

describe('managed identity, through IMDS', () => {
  it('issues a token for the system-assigned identity', async () => {
    const token = await new ManagedIdentityCredential().getToken(mlScope)
    expect(claims(token.token)).toMatchObject({ aud: 'https://ml.azure.com', appid: systemAssigned.clientId })
    // MSAL adds a slash to an endpoint it reads from AZURE_POD_IDENTITY_AUTHORITY_HOST.
    expect(fake.requestsTo('imdsToken').at(-1)).toMatchObject({
      path: '/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https%3A%2F%2Fml.azure.com',
      headers: expect.objectContaining({ metadata: 'true' })
    })
  })

  it('issues a token for a user-assigned identity named by client id, and refuses an unknown one', async () => {
    const token = await new ManagedIdentityCredential({ clientId: userAssigned.clientId }).getToken(mlScope)
    expect(claims(token.token)).toMatchObject({ appid: userAssigned.clientId, oid: userAssigned.objectId })
    expect(fake.requestsTo('imdsToken').at(-1)?.path).toMatch(new RegExp(`&client_id=${userAssigned.clientId}$`))
    const unknown = await failure(new ManagedIdentityCredential({ clientId: randomUUID() }).getToken(mlScope))
    expect(unknown).toEqual({
      name: 'CredentialUnavailableError',
      message:
        'ManagedIdentityCredential: Authentication failed. Message invalid_request: Error(s): Not Available - ' +
        'Timestamp: Not Available - Description: Identity not found - Correlation ID: Not Available - ' +
        'Trace ID: Not Available'
    })
  })

  it('answers 400 without the Metadata header', async () => {
    const answer = await get(`${fake.imdsUrl}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=x`)
    expect(answer).toEqual({
      status: 400,
      body: JSON.stringify({ error: 'invalid_request', error_description: 'Required metadata header not specified' })
    })
  })
})

describe('the Azure CLI, through a fake az on PATH', () => {
  const loginMessage = "Please run 'az login' from a command prompt to authenticate before using this credential."

  it('gets a token for the signed-in account, with the arguments AzureCliCredential passes', async () => {
    const account = { tenantId, clientId: randomUUID() }
    const az = await installFakeAz(fake, { account })
    process.env['PATH'] = `${az.binDir}:${environment.saved['PATH'] ?? ''}`
    const token = await new AzureCliCredential().getToken(mlScope)
    const withTenant = await new AzureCliCredential({ tenantId }).getToken(armScope)
    expect(claims(token.token)).toMatchObject({ aud: 'https://ml.azure.com', appid: account.clientId, tid: tenantId })
    expect(fake.tokens.map(t => t.accessToken)).toContain(withTenant.token)
    expect(await az.invocations()).toEqual([
      ['account', 'get-access-token', '--output', 'json', '--resource', 'https://ml.azure.com'],
      [
        'account',
        'get-access-token',
        '--output',
        'json',
        '--resource',
        'https://management.azure.com',
        '--tenant',
        tenantId
      ]
    ])
    // az follows an Entra error with "az login" advice, and identity answers any such output with its own message.
    const otherTenant = await failure(new AzureCliCredential({ tenantId: randomUUID() }).getToken(mlScope))
    expect(otherTenant).toEqual({ name: 'CredentialUnavailableError', message: loginMessage })
  })

  it("says to run 'az login' when no account is signed in", async () => {
    const az = await installFakeAz(fake)
    process.env['PATH'] = `${az.binDir}:${environment.saved['PATH'] ?? ''}`
    const error = await failure(new AzureCliCredential().getToken(mlScope))
    expect(error).toEqual({ name: 'CredentialUnavailableError', message: loginMessage })
    expect(await az.invocations()).toHaveLength(1)
  })
})
