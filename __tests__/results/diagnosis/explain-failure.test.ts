// The diagnosis's budget, with the action's own clients (the real @azure/identity and pipeline) against the fake Azure
// over real TLS. Run history answers on the workspace's regional API host, which only the test proxy reaches, as it
// reaches it for the action end to end. A budget of a second stands in for the step's 30 s.
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import tls from 'node:tls'
import { explainFailure } from '../../../src/results/diagnosis/explain-failure.js'
import { azureClients } from '../../../src/sign-in/azure-clients.js'
import { clouds } from '../../../src/sign-in/clouds.js'
import { createCredential } from '../../../src/sign-in/credential.js'
import { workspaceArmId } from '../../../test/fake-azure/batch-job.js'
import { defaultApiHost } from '../../../test/fake-azure/run-history.js'
import { startFakeAzure, type FakeAzure } from '../../../test/fake-azure/server.js'
import { startBlobProxy, type BlobProxy } from '../../../test/storage/blob-proxy.js'
import { saveEnvironment } from '../../../test/unit/saved-environment.js'

const app = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'Qx8~s3cret' }
const cloud = clouds.azurecloud
/** The workspace's regional API host, where run history answers: the proxy tunnels it to the fake. */
const apiHost = `${new URL(defaultApiHost).host}:443`
const proxyEnv = ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']
const environment = saveEnvironment(proxyEnv)
const defaultCAs = tls.getCACertificates('default')
let fake: FakeAzure
let proxy: BlobProxy

beforeAll(async () => {
  fake = await startFakeAzure({ apps: [app] })
  tls.setDefaultCACertificates([...defaultCAs, fake.caCertificate])
  proxy = await startBlobProxy({ tunnels: { [apiHost]: Number(new URL(fake.url).port) } })
  // As on a runner behind a proxy: the pipeline reads these as each client is made.
  for (const name of proxyEnv) Reflect.deleteProperty(process.env, name)
  Object.assign(process.env, { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1,localhost' })
})

afterAll(async () => {
  environment.restore()
  tls.setDefaultCACertificates(defaultCAs)
  await proxy.close()
  await fake.close()
})

describe('explainFailure', () => {
  it('gives up on run history that does not answer, within its budget, with one notice', async () => {
    fake.fail('runDetails', { hang: true })
    const credential = createCredential(
      { signIn: { kind: 'client-secret', ...app }, authorityHost: fake.url, customAuthorityHost: true },
      { getIdToken: () => Promise.reject(new Error('not used')), mask: () => {} }
    )
    // Signed in beforehand, so that the short budget is spent waiting on run history rather than on Entra.
    await credential.getToken(cloud.resourceManagerScope)
    const lines: string[] = []
    const notices: string[] = []
    const clients = azureClients(credential, cloud, message => lines.push(message))
    const jobName = `batchjob-${randomUUID()}`
    const studioUrl = `https://ml.azure.com/runs/${jobName}`
    const started = Date.now()
    const diagnosis = await explainFailure(
      `${workspaceArmId(fake.batchEndpoint.workspace)}/jobs/${jobName}`,
      jobName,
      { arm: clients.arm, anonymous: clients.anonymous, resourceManager: fake.armUrl, cloud: cloud.name, studioUrl },
      { info: message => lines.push(message), notice: message => notices.push(message) },
      1_000
    )
    expect(notices).toEqual([`Could not read why the job failed (no answer within 1 s). Its logs: ${studioUrl}`])
    expect(lines).toEqual([])
    expect(diagnosis).toEqual({ reason: undefined, markdown: '' })
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(proxy.connects).toContain(apiHost)
    // The fake notices a closed connection a moment after the client closes it.
    for (let i = 0; i < 100 && !fake.requestsTo('runDetails').at(-1)?.closedEarly; i++) await sleep(20)
    expect(fake.requestsTo('runDetails').at(-1)?.closedEarly).toBe(true)
  })

  it('stops at once when the workflow run is cancelled, long before its budget', async () => {
    fake.fail('runDetails', { hang: true })
    const credential = createCredential(
      { signIn: { kind: 'client-secret', ...app }, authorityHost: fake.url, customAuthorityHost: true },
      { getIdToken: () => Promise.reject(new Error('not used')), mask: () => {} }
    )
    const clients = azureClients(credential, cloud, () => {})
    const notices: string[] = []
    const jobName = `batchjob-${randomUUID()}`
    const cancellation = new AbortController()
    const waiting = fake.requestsTo('runDetails').length
    const diagnosis = explainFailure(
      `${workspaceArmId(fake.batchEndpoint.workspace)}/jobs/${jobName}`,
      jobName,
      {
        arm: clients.arm,
        anonymous: clients.anonymous,
        resourceManager: fake.armUrl,
        cloud: cloud.name,
        studioUrl: undefined,
        cancelled: cancellation.signal
      },
      { info: () => {}, notice: message => notices.push(message) },
      60_000
    )
    for (let i = 0; i < 500 && fake.requestsTo('runDetails').length === waiting; i++) await sleep(20)
    const cancelledAt = Date.now()
    cancellation.abort()
    expect(await diagnosis).toEqual({ reason: undefined, markdown: '' })
    expect(Date.now() - cancelledAt).toBeLessThan(1_000)
    expect(notices).toEqual(['Could not read why the job failed (the workflow run was cancelled).'])
    for (let i = 0; i < 100 && !fake.requestsTo('runDetails').at(-1)?.closedEarly; i++) await sleep(20)
    expect(fake.requestsTo('runDetails').at(-1)?.closedEarly).toBe(true)
  })
})
