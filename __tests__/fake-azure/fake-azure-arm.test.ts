// The fake's Azure Resource Manager Jobs API against the real @azure/identity and @azure/core-rest-pipeline over real
// TLS: proves that following and cancelling a job behaves like ARM before any of the action's code relies on it.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import tls from 'node:tls'
import { ClientSecretCredential } from '@azure/identity'
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest
} from '@azure/core-rest-pipeline'
import { send, type Answer } from '../../test/fake-azure/raw-request.js'
import { startFakeAzure, type FakeAzure } from '../../test/fake-azure/server.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const deniedApp = { tenantId: app.tenantId, clientId: randomUUID(), clientSecret: 'd3nied' }
const mlScope = 'https://ml.azure.com/.default'
const armScope = 'https://management.azure.com/.default'
const apiVersion = '2025-12-01'

interface ArmJob {
  id: string
  name: string
  type: string
  properties: {
    jobType: string
    status: string
    displayName: string
    experimentName: string
    isArchived: boolean
    tags: Record<string, string>
    services: { Studio: { jobServiceType: string; endpoint: string }; Tracking: { jobServiceType: string } }
    inputs: Record<string, { jobInputType: string; uri?: string }>
  }
  systemData: { createdBy: string; createdByType: string }
}

/** What the batch endpoint answered a submission with: all a client knows of the job before asking ARM. */
interface SubmittedJob {
  id: string
  name: string
  properties: { name: string; interactionEndpoints: { Studio: { endpoint: string } } }
}

function credential(fake: FakeAzure, who: { tenantId: string; clientId: string; clientSecret: string } = app) {
  return new ClientSecretCredential(who.tenantId, who.clientId, who.clientSecret, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true
  })
}

const jobBody = JSON.stringify({
  properties: {
    InputData: { heart: { JobInputType: 'UriFolder', Uri: 'azureml://datastores/workspaceblobstore/paths/heart' } }
  }
})

async function submit(on: FakeAzure, mlToken: string): Promise<SubmittedJob> {
  const answer = await send(on.scoringUri, {
    method: 'POST',
    headers: { authorization: `Bearer ${mlToken}`, 'content-type': 'application/json' },
    body: jobBody
  })
  expect(answer.status).toBe(201)
  return JSON.parse(answer.body) as SubmittedJob
}

/** The ARM URL of a submitted job, from the subscription, group and workspace in its id, as the action builds it. */
function armJobUrl(on: FakeAzure, job: SubmittedJob, query = `?api-version=${apiVersion}`): string {
  const workspaceId = job.id.split('/batchEndpoints/')[0]
  return `${on.armUrl}${workspaceId}/jobs/${job.name}${query}`
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

function errorOf(answer: Answer): { code: string; message: string } {
  return (JSON.parse(answer.body) as { error: { code: string; message: string } }).error
}

let fake: FakeAzure
let mlToken: string
let armToken: string
const defaultCAs = tls.getCACertificates('default')

async function statusesOf(url: string, reads: number): Promise<string[]> {
  const statuses: string[] = []
  for (let i = 0; i < reads; i++) {
    const answer = await send(url, { headers: bearer(armToken) })
    expect(answer.status).toBe(200)
    statuses.push((JSON.parse(answer.body) as ArmJob).properties.status)
  }
  return statuses
}

beforeAll(async () => {
  fake = await startFakeAzure({ apps: [app, deniedApp], denyClients: [deniedApp.clientId] })
  // NODE_EXTRA_CA_CERTS is read only at start-up; in-process, the fake's CA joins the default store instead.
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  mlToken = (await credential(fake).getToken(mlScope)).token
  armToken = (await credential(fake).getToken(armScope)).token
})

afterAll(async () => {
  tls.setDefaultCACertificates(defaultCAs)
  await fake.close()
})

describe('Resource Manager Jobs API over the batch endpoint’s jobs', () => {
  it('answers each read of a job with the next status of its script, then holds the last', async () => {
    const submitted = await submit(fake, mlToken)
    const url = armJobUrl(fake, submitted)
    const correlation = randomUUID()
    const first = await send(url, { headers: { ...bearer(armToken), 'x-ms-correlation-request-id': correlation } })
    expect(first.status).toBe(200)
    expect(first.headers['x-ms-correlation-request-id']).toBe(correlation)
    expect(first.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const job = JSON.parse(first.body) as ArmJob
    expect(job).toMatchObject({
      id: `${submitted.id.split('/batchEndpoints/')[0]}/jobs/${submitted.name}`,
      name: submitted.name,
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      properties: {
        jobType: 'Pipeline',
        status: 'Preparing',
        displayName: submitted.properties.name,
        experimentName: fake.batchEndpoint.workspace.endpointName,
        isArchived: false,
        tags: { 'azureml.batchrun': 'true' },
        services: {
          Studio: { jobServiceType: 'Studio', endpoint: submitted.properties.interactionEndpoints.Studio.endpoint },
          Tracking: { jobServiceType: 'Tracking' }
        },
        inputs: { heart: { jobInputType: 'uri_folder', uri: 'azureml://datastores/workspaceblobstore/paths/heart' } }
      },
      systemData: { createdBy: app.clientId, createdByType: 'Application' }
    })
    const second = await send(url, { headers: bearer(armToken) })
    expect(JSON.parse(second.body)).toMatchObject({ properties: { status: 'Running' } })
    expect(Number(second.headers['x-ms-ratelimit-remaining-subscription-reads'])).toBe(
      Number(first.headers['x-ms-ratelimit-remaining-subscription-reads']) - 1
    )
    expect(await statusesOf(url, 3)).toEqual(['Completed', 'Completed', 'Completed'])
    // One store: the job ARM reads is the one the batch endpoint created.
    expect(fake.jobNamed(submitted.name)).toBe(fake.jobs.find(j => j.name === submitted.name))
    expect(fake.jobNamed(submitted.name)?.statuses.current).toBe('Completed')
  })

  it('matches the fixed words of the path, and the names in it other than the job’s, in any case', async () => {
    const submitted = await submit(fake, mlToken)
    const url = armJobUrl(fake, submitted)
      .replace('/resourceGroups/', '/resourcegroups/')
      .replace('/providers/Microsoft.MachineLearningServices/', '/providers/microsoft.machinelearningservices/')
      .replace(`/workspaces/${fake.batchEndpoint.workspace.workspace}/`, '/WORKSPACES/MLW-SCORING/')
    expect((await send(url, { headers: bearer(armToken) })).status).toBe(200)
    const upperName = url.replace(submitted.name, submitted.name.toUpperCase())
    expect(errorOf(await send(upperName, { headers: bearer(armToken) })).code).toBe('UserError')
  })

  it('gives new jobs the script set for them, and one job a replacement for the rest of its script', async () => {
    fake.setJobStatuses(['Queued', 'Running', 'Failed'])
    try {
      const [a, b] = [await submit(fake, mlToken), await submit(fake, mlToken)]
      expect(await statusesOf(armJobUrl(fake, a), 1)).toEqual(['Queued'])
      fake.setJobStatuses(['Finalizing', 'Completed'], b.name)
      expect(await statusesOf(armJobUrl(fake, b), 3)).toEqual(['Finalizing', 'Completed', 'Completed'])
      expect(await statusesOf(armJobUrl(fake, a), 3)).toEqual(['Running', 'Failed', 'Failed'])
    } finally {
      fake.setJobStatuses(['Preparing', 'Running', 'Completed'])
    }
    expect(() => fake.setJobStatuses([])).toThrow(/at least one status/)
    expect(() => fake.setJobStatuses(['Running'], 'batchjob-none')).toThrow(/no job named/)
  })

  it('follows the clock with a timed script, however often the job is read', async () => {
    const submitted = await submit(fake, mlToken)
    fake.setJobStatuses(
      [
        { status: 'Running', forMs: 400 },
        { status: 'Completed', forMs: 0 }
      ],
      submitted.name
    )
    const url = armJobUrl(fake, submitted)
    expect(await statusesOf(url, 5)).toEqual(['Running', 'Running', 'Running', 'Running', 'Running'])
    await sleep(450)
    // The job finished whether or not anyone looked.
    expect(fake.jobNamed(submitted.name)?.statuses.current).toBe('Completed')
    expect(await statusesOf(url, 2)).toEqual(['Completed', 'Completed'])
  })

  it('cancels with 202, Location and Retry-After; the job then reports CancelRequested, then Canceled', async () => {
    const submitted = await submit(fake, mlToken)
    fake.setJobStatuses(['Running'], submitted.name)
    const url = armJobUrl(fake, submitted)
    expect(await statusesOf(url, 1)).toEqual(['Running'])

    const cancel = await send(armJobUrl(fake, submitted, `/cancel?api-version=${apiVersion}`), {
      method: 'POST',
      headers: bearer(armToken)
    })
    expect([cancel.status, cancel.body, cancel.headers['retry-after']]).toEqual([202, '', '10'])
    const ws = fake.batchEndpoint.workspace
    expect(cancel.headers['location']).toMatch(
      new RegExp(
        `^${fake.url}/subscriptions/${ws.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/` +
          `[a-z0-9]+/mfeOperationResults/jc:[0-9a-f-]+:${submitted.name}\\?api-version=${apiVersion}$`
      )
    )
    expect(cancel.headers['x-ms-ratelimit-remaining-subscription-writes']).toMatch(/^\d+$/)
    expect(await statusesOf(url, 3)).toEqual(['CancelRequested', 'Canceled', 'Canceled'])

    const operation = await send(String(cancel.headers['location']), { headers: bearer(armToken) })
    expect([operation.status, operation.body]).toEqual([200, ''])
    expect(fake.jobNamed(submitted.name)?.cancelRequests).toBe(1)
    expect(fake.requestsTo('armCancelJob').at(-1)).toMatchObject({ method: 'POST', body: '' })
  })

  it('accepts a cancel of a job that has finished, counts it, and leaves the job as it was', async () => {
    const submitted = await submit(fake, mlToken)
    fake.setJobStatuses(['Completed'], submitted.name)
    const url = armJobUrl(fake, submitted)
    expect(await statusesOf(url, 1)).toEqual(['Completed'])
    const cancelUrl = armJobUrl(fake, submitted, `/cancel?api-version=${apiVersion}`)
    for (let i = 0; i < 2; i++) {
      expect((await send(cancelUrl, { method: 'POST', headers: bearer(armToken) })).status).toBe(202)
    }
    expect(await statusesOf(url, 2)).toEqual(['Completed', 'Completed'])
    expect(fake.jobNamed(submitted.name)?.cancelRequests).toBe(2)
  })

  it('answers 401 with a challenge for no token or an ML token, and takes the classic audience', async () => {
    const submitted = await submit(fake, mlToken)
    const url = armJobUrl(fake, submitted)
    const none = await send(url)
    expect([none.status, errorOf(none).code]).toEqual([401, 'AuthenticationFailed'])
    expect(none.headers['www-authenticate']).toMatch(
      new RegExp(`^Bearer authorization_uri="${fake.url}/", error="invalid_token", error_description="[^"]+"$`)
    )
    const ml = await send(url, { headers: bearer(mlToken) })
    expect(ml.status).toBe(401)
    expect(errorOf(ml)).toEqual({
      code: 'InvalidAuthenticationTokenAudience',
      message:
        "The access token has been obtained for wrong audience or resource 'https://ml.azure.com'. It should exactly " +
        "match with one of the allowed audiences 'https://management.core.windows.net/'," +
        "'https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'."
    })
    expect(ml.headers['www-authenticate']).toContain('error="invalid_token"')
    const classic = (await credential(fake).getToken('https://management.core.windows.net//.default')).token
    expect((await send(url, { headers: bearer(classic) })).status).toBe(200)
  })

  it('answers 400 without an api-version, or with one it does not serve', async () => {
    const submitted = await submit(fake, mlToken)
    const missing = await send(armJobUrl(fake, submitted, ''), { headers: bearer(armToken) })
    expect([missing.status, errorOf(missing)]).toEqual([
      400,
      {
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.'
      }
    ])
    const old = await send(armJobUrl(fake, submitted, '?api-version=2020-01-01'), { headers: bearer(armToken) })
    expect([old.status, errorOf(old).code]).toEqual([400, 'NoRegisteredProviderFound'])
    expect(errorOf(old).message).toContain("The supported api-versions are '2025-12-01'")
    const junk = await send(armJobUrl(fake, submitted, '?api-version=latest'), { headers: bearer(armToken) })
    expect([junk.status, errorOf(junk).code]).toEqual([400, 'InvalidApiVersionParameter'])
  })

  it('answers 404 for a job, workspace, resource group or subscription it does not have', async () => {
    const submitted = await submit(fake, mlToken)
    const ws = fake.batchEndpoint.workspace
    const url = armJobUrl(fake, submitted)
    const cases: [string, string][] = [
      [url.replace(submitted.name, 'batchjob-missing'), 'UserError'],
      [url.replace(`/workspaces/${ws.workspace}/`, '/workspaces/other/'), 'ResourceNotFound'],
      [url.replace(`/resourceGroups/${ws.resourceGroup}/`, '/resourceGroups/other/'), 'ResourceGroupNotFound'],
      [url.replace(ws.subscriptionId, randomUUID()), 'SubscriptionNotFound']
    ]
    for (const [wrong, code] of cases) {
      const answer = await send(wrong, { headers: bearer(armToken) })
      expect([answer.status, errorOf(answer).code]).toEqual([404, code])
    }
    expect(errorOf(await send(cases[0]![0], { headers: bearer(armToken) })).message).toBe(
      'Job batchjob-missing not found.'
    )
  })

  it('answers 403 AuthorizationFailed, naming the action, to a principal without a role on the workspace', async () => {
    const submitted = await submit(fake, mlToken)
    const denied = (await credential(fake, deniedApp).getToken(armScope)).token
    const read = await send(armJobUrl(fake, submitted), { headers: bearer(denied) })
    expect([read.status, errorOf(read).code]).toEqual([403, 'AuthorizationFailed'])
    expect(errorOf(read).message).toContain(
      `The client '${deniedApp.clientId}' with object id '${fake.apps[1]!.objectId}' does not have authorization to ` +
        "perform action 'Microsoft.MachineLearningServices/workspaces/jobs/read' over scope '"
    )
    const cancel = await send(armJobUrl(fake, submitted, `/cancel?api-version=${apiVersion}`), {
      method: 'POST',
      headers: bearer(denied)
    })
    expect(errorOf(cancel).message).toContain("'Microsoft.MachineLearningServices/workspaces/jobs/cancel/action'")
    expect(fake.jobNamed(submitted.name)?.cancelRequests).toBe(0)
  })

  it('plays scripted faults: a 429 reaches the client as scripted, and the job’s script does not move', async () => {
    const submitted = await submit(fake, mlToken)
    const throttled = JSON.stringify({ error: { code: 'TooManyRequests', message: 'Too many requests.' } })
    fake.fail('armGetJob', { status: 429, headers: { 'retry-after': '7' }, body: throttled })
    const answer = await send(armJobUrl(fake, submitted), { headers: bearer(armToken) })
    expect([answer.status, answer.headers['retry-after'], errorOf(answer).code]).toEqual([429, '7', 'TooManyRequests'])
    expect(await statusesOf(armJobUrl(fake, submitted), 1)).toEqual(['Preparing'])
  })

  it('is followed by the Azure SDK pipeline, which waits out a 429’s Retry-After and tries again', async () => {
    const submitted = await submit(fake, mlToken)
    const pipeline = createPipelineFromOptions({})
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: credential(fake), scopes: armScope }))
    fake.fail('armGetJob', { status: 429, headers: { 'retry-after': '1' } })
    const before = fake.requestsTo('armGetJob').length
    const response = await pipeline.sendRequest(
      createDefaultHttpClient(),
      createPipelineRequest({ url: armJobUrl(fake, submitted) })
    )
    expect(response.status).toBe(200)
    const [throttled, retried] = fake.requestsTo('armGetJob').slice(before)
    expect(retried!.time - throttled!.time).toBeGreaterThanOrEqual(950)
  })
})

describe('Resource Manager with short-lived tokens', () => {
  it('refuses an expired token with ExpiredAuthenticationToken; a client that refreshes carries on', async () => {
    const shortLived = await startFakeAzure({ apps: [app], tokenLifetimeSeconds: 1 })
    tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate, shortLived.caCertificate])
    try {
      const submitted = await submit(shortLived, (await credential(shortLived).getToken(mlScope)).token)
      const url = armJobUrl(shortLived, submitted)
      const stale = (await credential(shortLived).getToken(armScope)).token
      const pipeline = createPipelineFromOptions({})
      pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: credential(shortLived), scopes: armScope }))
      const poll = () => pipeline.sendRequest(createDefaultHttpClient(), createPipelineRequest({ url }))
      expect((await poll()).status).toBe(200)

      await sleep(Math.max(...shortLived.tokens.map(t => t.expiresAt)) - Date.now() + 20)
      const expired = await send(url, { headers: bearer(stale) })
      expect(expired.status).toBe(401)
      expect(errorOf(expired)).toMatchObject({ code: 'ExpiredAuthenticationToken' })
      const time = String.raw`\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M`
      expect(errorOf(expired).message).toMatch(
        new RegExp(`^The access token expiry UTC time '${time}' is earlier than current UTC time '${time}'\\.$`)
      )
      expect(expired.headers['www-authenticate']).toContain('error_description="The access token expiry UTC time')

      expect((await poll()).status).toBe(200)
      const [first, second] = shortLived
        .requestsTo('armGetJob')
        .filter(r => r.headers['authorization'] !== `Bearer ${stale}`)
      expect(second!.headers['authorization']).not.toBe(first!.headers['authorization'])
    } finally {
      await shortLived.close()
    }
  })
})
