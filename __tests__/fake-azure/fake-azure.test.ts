// The fake Azure against the real @azure/identity (MSAL) and plain node:https over real TLS: proves that what the
// end-to-end tests rely on behaves like Azure before any of the action's code is involved.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import tls from 'node:tls'
import { promisify } from 'node:util'
import { ClientSecretCredential } from '@azure/identity'
import { send } from '../../test/fake-azure/raw-request.js'
import { startFakeAzure, type FakeAzure } from '../../test/fake-azure/server.js'

const app = {
  tenantId: randomUUID(),
  clientId: randomUUID(),
  clientSecret: 'Qx8~s3cret',
  tenantDomain: 'contoso.onmicrosoft.com'
}
const deniedApp = { tenantId: app.tenantId, clientId: randomUUID(), clientSecret: 'd3nied' }
const mlScope = 'https://ml.azure.com/.default'

interface JobResource {
  id: string
  name: string
  properties: {
    status: string
    name: string
    interactionEndpoints: { Studio: { endpoint: string } }
    inputData: Record<string, unknown>
  }
}

function credential(
  fake: FakeAzure,
  tenant: string = app.tenantId,
  clientId: string = app.clientId,
  secret = app.clientSecret
) {
  return new ClientSecretCredential(tenant, clientId, secret, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true
  })
}

function claims(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >
}

const jobBody = JSON.stringify({
  properties: {
    InputData: { heart: { JobInputType: 'UriFolder', Uri: 'azureml://datastores/workspaceblobstore/paths/heart' } }
  }
})

let fake: FakeAzure
let mlToken: string
const defaultCAs = tls.getCACertificates('default')

function submit(headers: Record<string, string> = {}, body = jobBody) {
  return send(fake.scoringUri, {
    method: 'POST',
    headers: { authorization: `Bearer ${mlToken}`, 'content-type': 'application/json', ...headers },
    body
  })
}

beforeAll(async () => {
  fake = await startFakeAzure({
    apps: [app, deniedApp],
    denyClients: [deniedApp.clientId],
    deployments: ['blue', 'green']
  })
  // NODE_EXTRA_CA_CERTS is read only at start-up; in-process, the fake's CA joins the default store instead.
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  mlToken = (await credential(fake).getToken(mlScope)).token
})

afterAll(async () => {
  tls.setDefaultCACertificates(defaultCAs)
  await fake.close()
})

describe('Entra, through @azure/identity', () => {
  it('issues a JWT-shaped token for the ML audience after MSAL reads the tenant metadata', async () => {
    expect(claims(mlToken)).toMatchObject({ aud: 'https://ml.azure.com', tid: app.tenantId, appid: app.clientId })
    expect(fake.tokens.map(t => t.accessToken)).toContain(mlToken)
    const [metadata] = fake.requestsTo('metadata')
    expect(metadata).toMatchObject({ method: 'GET', path: `/${app.tenantId}/v2.0/.well-known/openid-configuration` })
    const [token] = fake.requestsTo('token')
    expect(token?.path).toMatch(new RegExp(`^/${app.tenantId}/oauth2/v2.0/token\\?client-request-id=`))
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toMatchObject({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: mlScope
    })
    expect(fake.requestsTo('instanceDiscovery')).toHaveLength(0)
  })

  it("accepts the tenant's domain alias", async () => {
    const token = await credential(fake, app.tenantDomain).getToken(mlScope)
    expect(claims(token.token)).toMatchObject({ tid: app.tenantId })
  })

  it('surfaces AADSTS700016 for an unknown client id and AADSTS7000215 for a wrong secret', async () => {
    await expect(credential(fake, app.tenantId, randomUUID()).getToken(mlScope)).rejects.toThrow(/AADSTS700016/)
    await expect(credential(fake, app.tenantId, app.clientId, 'wrong').getToken(mlScope)).rejects.toThrow(
      /AADSTS7000215: Invalid client secret provided/
    )
  })

  it('answers an unknown tenant with AADSTS90002, which MSAL turns into endpoints_resolution_error', async () => {
    const tenant = randomUUID()
    // MSAL discards the body of a failed metadata request: the caller learns only that endpoints could not be resolved.
    await expect(credential(fake, tenant).getToken(mlScope)).rejects.toMatchObject({
      name: 'CredentialUnavailableError',
      message: expect.stringMatching(/^endpoints_resolution_error/)
    })
    for (const answer of [
      await send(`${fake.url}/${tenant}/v2.0/.well-known/openid-configuration`),
      await send(`${fake.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', body: 'grant_type=client_credentials' })
    ]) {
      expect(answer.status).toBe(400)
      const error = JSON.parse(answer.body) as Record<string, unknown>
      expect(error).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] })
      expect(error['error_description']).toMatch(
        new RegExp(
          `^AADSTS90002: Tenant '${tenant}' not found\\..*\\r\\nTrace ID: \\S+\\r\\nCorrelation ID: \\S+\\r\\nTimestamp: `
        )
      )
    }
  })

  it('is trusted by a child process through NODE_EXTRA_CA_CERTS', async () => {
    const script =
      "import { ClientSecretCredential } from '@azure/identity'\n" +
      'const [tenant, client, secret, host] = process.argv.slice(1)\n' +
      'const c = new ClientSecretCredential(tenant, client, secret, { authorityHost: host, disableInstanceDiscovery: true })\n' +
      "process.stdout.write((await c.getToken('https://ml.azure.com/.default')).token)"
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, app.tenantId, app.clientId, app.clientSecret, fake.url],
      { env: { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: fake.caFile } }
    )
    expect(fake.tokens.map(t => t.accessToken)).toContain(stdout)
  })
})

describe('batch endpoint', () => {
  it('creates a job and answers 201 with the job resource', async () => {
    const before = fake.jobs.length
    const answer = await submit({ 'repeatability_request-id': randomUUID() })
    expect(answer.status).toBe(201)
    expect(answer.headers['azureml-model-deployment']).toBe('blue')
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const job = JSON.parse(answer.body) as JobResource
    expect(job.name).toMatch(/^batchjob-[0-9a-f-]{36}$/)
    expect(job.id).toMatch(
      new RegExp(
        `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.MachineLearningServices/workspaces/[^/]+/batchEndpoints/[^/]+/deployments/blue/jobs/${job.name}$`
      )
    )
    expect(job.properties.status).toBe('Preparing')
    expect(job.properties.name).toMatch(/^[a-z]+_[a-z]+_[a-z0-9]{8}$/)
    expect(job.properties.interactionEndpoints.Studio.endpoint).toMatch(
      new RegExp(
        `^https://ml\\.azure\\.com/runs/${job.name}\\?wsid=/subscriptions/[^/]+/resourcegroups/[^/]+/workspaces/[^/]+$`
      )
    )
    expect(job.properties.inputData['heart']).toMatchObject({
      jobInputType: 'UriFolder',
      uri: expect.stringMatching(/^azureml:/)
    })
    expect(fake.jobs).toHaveLength(before + 1)
  })

  it('routes to the deployment named in azureml-model-deployment and rejects an unknown one', async () => {
    const green = await submit({ 'azureml-model-deployment': 'green' })
    expect([green.status, green.headers['azureml-model-deployment']]).toEqual([201, 'green'])
    const missing = await submit({ 'azureml-model-deployment': 'purple' })
    expect(missing.status).toBe(404)
    expect(missing.body).toContain("'purple'")
  })

  it('creates one job for one repeatability id, however often it is sent', async () => {
    const id = randomUUID()
    const before = fake.jobs.length
    const first = JSON.parse((await submit({ 'repeatability_request-id': id })).body) as { name: string }
    const second = JSON.parse((await submit({ 'repeatability_request-id': id })).body) as { name: string }
    expect(second.name).toBe(first.name)
    expect(fake.jobs).toHaveLength(before + 1)
  })

  it('resets the connection after creating the job when asked, so only the repeatability id prevents a second job', async () => {
    const id = randomUUID()
    const before = fake.jobs.length
    fake.fail('submit', { reset: true, afterCreate: true })
    await expect(submit({ 'repeatability_request-id': id })).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(fake.jobs).toHaveLength(before + 1)
    const retried = JSON.parse((await submit({ 'repeatability_request-id': id })).body) as { name: string }
    expect(retried.name).toBe(fake.jobs.at(-1)?.name)
    expect(fake.jobs).toHaveLength(before + 1)

    fake.fail('submit', { reset: true, afterCreate: true })
    await expect(submit()).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect((await submit()).status).toBe(201)
    expect(fake.jobs).toHaveLength(before + 3)
    expect(fake.jobs.slice(-2).every(j => j.repeatabilityRequestId === undefined)).toBe(true)
  })

  it('resets before creating anything by default, and plays scripted status faults in order', async () => {
    const before = fake.jobs.length
    fake.fail(
      'submit',
      { reset: true },
      { status: 503, headers: { 'retry-after': '1' }, body: 'Microsoft Entra Token denied by policy.' },
      { delayMs: 50 }
    )
    await expect(submit()).rejects.toMatchObject({ code: 'ECONNRESET' })
    const refused = await submit()
    expect([refused.status, refused.headers['retry-after'], refused.headers['content-type']]).toEqual([
      503,
      '1',
      'text/plain; charset=utf-8'
    ])
    expect(refused.body).toBe('Microsoft Entra Token denied by policy.')
    const started = Date.now()
    expect((await submit()).status).toBe(201)
    expect(Date.now() - started).toBeGreaterThanOrEqual(45)
    expect(fake.jobs).toHaveLength(before + 1)
  })

  it('answers 401 without a token it issued for the ML audience', async () => {
    const none = await send(fake.scoringUri, { method: 'POST', body: jobBody })
    expect([none.status, none.headers['www-authenticate']]).toEqual([401, 'Bearer'])
    const armToken = (await credential(fake).getToken('https://management.azure.com/.default')).token
    const wrongAudience = await submit({ authorization: `Bearer ${armToken}` })
    expect(wrongAudience.status).toBe(401)
    expect(JSON.parse(wrongAudience.body)).toMatchObject({ error: { code: 'Unauthorized' } })
  })

  it('answers 403 AuthorizationFailed for a principal without a role on the workspace', async () => {
    const token = (await credential(fake, app.tenantId, deniedApp.clientId, deniedApp.clientSecret).getToken(mlScope))
      .token
    const answer = await submit({ authorization: `Bearer ${token}` })
    expect(answer.status).toBe(403)
    const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } }
    expect(error.code).toBe('AuthorizationFailed')
    expect(error.message).toContain(`The client '${deniedApp.clientId}' with object id '`)
    expect(error.message).toContain('batchEndpoints/jobs/write')
  })

  it('answers 400 UserError for a body without InputData', async () => {
    const answer = await submit({}, JSON.stringify({ properties: {} }))
    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'UserError' } })
  })

  it('records unrouted requests as unknown and answers 404', async () => {
    const answer = await send(`${fake.url}/nowhere`)
    expect(answer.status).toBe(404)
    expect(fake.requestsTo('unknown').at(-1)?.path).toBe('/nowhere')
  })
})

describe('batch endpoint without a default deployment', () => {
  it('answers 400 "No valid deployments to route to" when no deployment is named', async () => {
    const bare = await startFakeAzure({ apps: [app], defaultDeployment: null })
    try {
      const token = (await credential(bare).getToken(mlScope)).token
      const answer = await send(bare.scoringUri, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: jobBody
      })
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.body)).toMatchObject({
        error: { code: 'UserError', message: expect.stringMatching(/^No valid deployments to route to\./) }
      })
      expect(bare.jobs).toHaveLength(0)
    } finally {
      await bare.close()
    }
  })
})
