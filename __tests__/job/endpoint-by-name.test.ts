// endpoint-name: the pure reading of Resource Manager's answers, then resolveEndpoint in-process against the fake over
// TLS with the real clients and a provisioning bound of a fraction of a second (production's is 10 minutes).
import { ClientSecretCredential } from '@azure/identity'
import { randomUUID } from 'node:crypto'
import tls from 'node:tls'
import { createAzureClient, type SendAzureRequest } from '../../src/azure/azure-pipeline.js'
import { listedNames, parseEndpoint, provisioningOf, trustedScoringUri } from '../../src/job/batch-endpoint-resource.js'
import { resolveEndpoint, type EndpointByName, type ProvisioningBounds } from '../../src/job/endpoint-by-name.js'
import { startFakeAzure, type FakeAzure, type FakeAzureOptions } from '../../test/fake-azure/server.js'

describe('what Resource Manager says about an endpoint', () => {
  it.each([
    ['Succeeded', 'ready'],
    [undefined, 'ready'],
    ['Creating', 'busy'],
    ['Updating', 'busy'],
    ['Scaling', 'busy'],
    ['succeeded', 'ready'],
    ['CREATING', 'busy'],
    ['Failed', 'broken'],
    ['Deleting', 'broken'],
    ['Canceled', 'broken']
  ])('provisioningState %s is %s', (state, meaning) => {
    expect(provisioningOf(state)).toBe(meaning)
  })

  it('reads the scoring URI, the default deployment and the state', () => {
    const body = JSON.stringify({
      name: 'scoring',
      properties: {
        scoringUri: 'https://scoring.eastus2.inference.ml.azure.com/jobs',
        defaults: { deploymentName: 'blue' },
        provisioningState: 'Succeeded'
      }
    })
    expect(parseEndpoint(body, 'scoring')).toEqual({
      scoringUri: 'https://scoring.eastus2.inference.ml.azure.com/jobs',
      defaultDeployment: 'blue',
      provisioningState: 'Succeeded'
    })
  })

  it.each([{ defaults: null }, { defaults: {} }, { defaults: { deploymentName: '' } }, {}])(
    'takes %j as no default deployment',
    properties => {
      expect(parseEndpoint(JSON.stringify({ properties }), 'scoring').defaultDeployment).toBeUndefined()
    }
  )

  it('refuses an answer that is no resource, quoting it safely', () => {
    expect(() => parseEndpoint('<html>::error::x</html>', 'scoring')).toThrow(/not one/)
  })

  it('lists at most the names asked for, made safe to show', () => {
    const value = Array.from({ length: 14 }, (_, i) => ({ name: i === 0 ? '::warning::x' : `ep-${i}` }))
    const names = listedNames(JSON.stringify({ value }), 10)
    expect(names).toHaveLength(10)
    expect(names?.[0]).not.toMatch(/^::/)
    expect(listedNames('not json', 10)).toBeUndefined()
    expect(listedNames(`{"value":[{"name":"a"}${',{"name":"b"}'.repeat(5)}…(answer cut at 1 MiB)`, 10)).toBeUndefined()
    expect(listedNames('{"error":{}}', 10)).toBeUndefined()
    expect(listedNames('{"value":[]}', 10)).toEqual([])
  })
})

describe('the scoring URI an endpoint names', () => {
  it.each([
    ['https://scoring.eastus2.inference.ml.azure.com/jobs', 'azurecloud'],
    ['https://scoring.westus2-main.inference.ml.azure.com/jobs', 'azurecloud'],
    ['https://scoring.chinaeast2.inference.ml.azure.cn/jobs', 'azurechinacloud'],
    ['https://scoring.usgovvirginia.inference.ml.azure.us/jobs', 'azureusgovernment']
  ] as const)('takes %s on %s', (uri, cloud) => {
    expect(trustedScoringUri(uri, cloud)).toBe(uri)
  })

  it.each([
    ['http://scoring.eastus2.inference.ml.azure.com/jobs', 'not https'],
    ['https://attacker.example/jobs', 'another host'],
    ['https://inference.ml.azure.com.attacker.example/jobs', 'a look-alike host'],
    ['https://scoring.eastus2.inference.ml.azure.com:8443/jobs', 'a port'],
    ['https://user:pw@scoring.eastus2.inference.ml.azure.com/jobs', 'credentials'],
    ['https://scoring.eastus2.inference.ml.azure.com/jobs?x=1', 'a query'],
    ['https://inference.ml.azure.com/jobs', 'the domain itself'],
    ['https://scoring.eastus2.inference.ml.azure.cn/jobs', "another cloud's domain"],
    [undefined, 'none']
  ])('refuses %s (%s)', (uri, _why) => {
    expect(trustedScoringUri(uri, 'azurecloud')).toBeUndefined()
  })
})

describe('resolveEndpoint against the fake', () => {
  const defaultCAs = tls.getCACertificates('default')
  const open: FakeAzure[] = []
  afterEach(async () => {
    tls.setDefaultCACertificates(defaultCAs)
    await Promise.all(open.splice(0).map(fake => fake.close()))
  })
  // Pauses of a few ms; a bound that a loaded machine's reads cannot reach before the script ends, except in the
  // test of the bound itself.
  const short: ProvisioningBounds = { maxWaitMs: 10_000, firstPollMs: 20, maxPollMs: 40 }
  const tiny: ProvisioningBounds = { maxWaitMs: 300, firstPollMs: 20, maxPollMs: 40 }

  async function reading(options: FakeAzureOptions = {}, deny = false) {
    const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `Qx8~${randomUUID()}` }
    const fake = await startFakeAzure({ ...options, apps: [app], ...(deny ? { denyClients: [app.clientId] } : {}) })
    open.push(fake)
    tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret, {
      authorityHost: fake.url,
      disableInstanceDiscovery: true
    })
    const arm: SendAzureRequest = createAzureClient(credential, 'https://management.azure.com/.default', {
      maxAttempts: 1,
      maxElapsedMs: 1_000,
      baseDelayMs: 10,
      maxDelayMs: 10,
      maxTotalMs: 5_000
    })
    const ws = fake.batchEndpoint.workspace
    const endpoint = (over: Partial<EndpointByName> = {}): EndpointByName => ({
      resourceManager: fake.url,
      workspace: `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}`,
      name: ws.endpointName,
      deploymentName: undefined,
      cloud: 'azurecloud',
      ...over
    })
    const lines: string[] = []
    const resolve = (over: Partial<EndpointByName> = {}, bounds = short, signal?: AbortSignal) =>
      resolveEndpoint(arm, endpoint(over), line => lines.push(line), signal, bounds)
    return { fake, resolve, lines }
  }

  it('gives the scoring URI and the default deployment', async () => {
    const { resolve } = await reading()
    await expect(resolve()).resolves.toEqual({
      scoringUri: 'https://score-batch.eastus2.inference.ml.azure.com/jobs',
      deployment: 'blue'
    })
  })

  it('waits for an endpoint being created, a line each read, then goes on', async () => {
    const { fake, resolve, lines } = await reading({ endpointProvisioning: ['Creating', 'Creating', 'Succeeded'] })
    await expect(resolve()).resolves.toMatchObject({ deployment: 'blue' })
    expect(fake.requestsTo('armGetBatchEndpoint')).toHaveLength(3)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^The batch endpoint 'score-batch' is Creating; reading it again in /)
  })

  it('stops waiting at its bound, saying nothing was submitted', async () => {
    const { fake, resolve } = await reading({ endpointProvisioning: ['Updating'] })
    await expect(resolve({}, tiny)).rejects.toThrow(
      /batch endpoint 'score-batch' is still Updating after .*; the action waits at most .*Nothing was submitted/
    )
    expect(fake.requestsTo('submit')).toHaveLength(0)
  })

  it('stops the wait at once when the workflow run is cancelled, reading no more', async () => {
    const { fake, resolve, lines } = await reading({ endpointProvisioning: ['Creating'] })
    const cancelled = new AbortController()
    const waiting = resolve({}, { maxWaitMs: 600_000, firstPollMs: 60_000, maxPollMs: 60_000 }, cancelled.signal)
    while (lines.length === 0) await new Promise(resolve => setTimeout(resolve, 10))
    cancelled.abort()
    await expect(waiting).rejects.toThrow(/abort/i)
    expect(fake.requestsTo('armGetBatchEndpoint')).toHaveLength(1)
  })

  it.each(['Failed', 'Deleting'])('refuses an endpoint that is %s', async state => {
    const { resolve } = await reading({ endpointProvisioning: [state] })
    await expect(resolve()).rejects.toThrow(`The batch endpoint 'score-batch' is ${state}: it cannot take jobs.`)
  })

  it('bounds the endpoint and the deployment together, not each on its own', async () => {
    const { fake, resolve } = await reading({
      endpointProvisioning: ['Updating', 'Updating', 'Updating', 'Succeeded'],
      deployments: ['blue', 'green'],
      deploymentProvisioning: { green: ['Updating'] }
    })
    // The endpoint's wait alone fits in the bound; with the deployment's after it, it does not.
    await expect(
      resolve({ deploymentName: 'green' }, { maxWaitMs: 2_000, firstPollMs: 500, maxPollMs: 500 })
    ).rejects.toThrow(/deployment 'green' is still Updating after .*; the action waits at most/)
    expect(fake.requestsTo('armGetBatchEndpoint')).toHaveLength(4)
    // One read of the deployment: the time left after the endpoint's wait holds no pause before a second.
    expect(fake.requestsTo('armGetDeployment')).toHaveLength(1)
  })

  it('waits for a deployment being updated, and refuses one that failed', async () => {
    const { resolve } = await reading({
      deployments: ['blue', 'green', 'red'],
      deploymentProvisioning: { green: ['Updating', 'Succeeded'], red: ['Failed'] }
    })
    await expect(resolve({ deploymentName: 'green' })).resolves.toMatchObject({ deployment: 'green' })
    await expect(resolve({ deploymentName: 'red' })).rejects.toThrow("The deployment 'red' is Failed")
  })

  it('names the endpoints that exist when the name is wrong, from one list', async () => {
    const { fake, resolve } = await reading({ otherEndpoints: ['fraud-batch', 'churn-batch'] })
    await expect(resolve({ name: 'scor-batch' })).rejects.toThrow(
      "Batch endpoint 'scor-batch' was not found in workspace /subscriptions/"
    )
    await expect(resolve({ name: 'scor-batch' })).rejects.toThrow(
      "The workspace's batch endpoints: score-batch, fraud-batch, churn-batch."
    )
    expect(fake.requestsTo('armListBatchEndpoints')).toHaveLength(2)
  })

  it('names the deployments that exist when deployment-name is wrong', async () => {
    const { resolve } = await reading({ deployments: ['blue', 'green'] })
    await expect(resolve({ deploymentName: 'gren' })).rejects.toThrow(
      "Deployment 'gren' was not found in batch endpoint 'score-batch'. The endpoint's deployments: blue, green."
    )
  })

  it('refuses an endpoint without a default deployment when none is named', async () => {
    const { resolve } = await reading({ defaultDeployment: null, deployments: ['blue'] })
    await expect(resolve()).rejects.toThrow('no default deployment: name one with deployment-name')
    await expect(resolve({ deploymentName: 'blue' })).resolves.toMatchObject({ deployment: 'blue' })
  })

  it('refuses a scoring URI off the batch inference domain', async () => {
    const { resolve } = await reading({ scoringUri: 'https://collector.attacker.example/jobs' })
    await expect(resolve()).rejects.toThrow(
      "names the scoring URI 'https://collector.attacker.example/jobs', which is not an https address on inference.ml.azure.com; nothing was sent to it"
    )
  })

  it('names the missing action and the role on a 403', async () => {
    const { resolve } = await reading({}, true)
    await expect(resolve()).rejects.toThrow(
      /Microsoft\.MachineLearningServices\/workspaces\/batchEndpoints\/read on the workspace, which the role "AzureML Data Scientist" has/
    )
  })

  it('names the deployments/read action when only the deployment read is refused', async () => {
    const { fake, resolve } = await reading({ deployments: ['blue'] })
    fake.fail('armGetDeployment', {
      status: 403,
      body: JSON.stringify({ error: { code: 'AuthorizationFailed', message: 'no' } })
    })
    await expect(resolve({ deploymentName: 'blue' })).rejects.toThrow(
      'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/read'
    )
  })
})
