import tls from 'node:tls'
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob'
import { sharedServerCertificate } from '../fake-azure/certificate.js'
import type { FakeAzureOptions } from '../fake-azure/server.js'
import type { FakeApp } from '../fake-azure/entra.js'
import { startAzurite, workerAzurite, type Azurite } from '../storage/azurite.js'
import { startBlobFrontEnd, type BlobFrontEnd, type BlobFrontEndOptions } from '../storage/blob-front-end.js'
import { startBlobProxy, type BlobProxy } from '../storage/blob-proxy.js'
import { ScoringOutputs } from '../storage/scoring-outputs.js'
import { scoringHost } from '../fake-azure/arm-batch-endpoints.js'
import { defaultApiHost } from '../fake-azure/run-history.js'
import { findLeaks, workflowToken } from './run-action.js'
import { startScenario, type Scenario } from './scenario.js'

// A scenario whose workspace has real blob storage: the fake Azure, Azurite behind a front end that checks data
// roles, and the proxy that makes https://<account>.blob.core.windows.net reach them. The action runs with its
// production URLs; only HTTPS_PROXY, NO_PROXY and GITHUB_API_URL tell it where things are.

export interface StorageScenarioOptions extends FakeAzureOptions {
  /** Azurite's basic OAuth (default true); without it Azurite refuses every bearer token. */
  oauth?: boolean
  /** Client ids without a Storage Blob Data role: their bearer requests get 403 AuthorizationPermissionMismatch. */
  denyBlobClients?: string[]
  /** The front end answers blob writes itself and stores nothing (see BlobFrontEndOptions.discardWrites). */
  discardBlobWrites?: boolean
  /** The front end lists and serves these blobs itself (see BlobFrontEndOptions.syntheticReads). */
  syntheticBlobReads?: BlobFrontEndOptions['syntheticReads']
}

export interface StorageScenario extends Scenario {
  azurite: Azurite
  blobFrontEnd: BlobFrontEnd
  proxy: BlobProxy
  /** The environment the action needs besides its inputs; run and start add it. */
  env: { HTTPS_PROXY: string; NO_PROXY: string; GITHUB_API_URL: string }
  /** Overrides of `env` that send the GitHub API calls through the proxy, as a runner behind one does. */
  githubApiViaProxy: { GITHUB_API_URL: string }
  /** What jobs leave in Azurite: predictions when they Complete, logs when they fail. */
  outputs: ScoringOutputs
  /** Writes a blob into a datastore's container (workspaceblobstore unless named), by key. */
  writeBlob(name: string, content: string, datastore?: string): Promise<void>
  /** Names of the blobs under `prefix` in a datastore's container (workspaceblobstore unless named), read by key. */
  listBlobs(prefix?: string, datastore?: string): Promise<string[]>
  close(): Promise<void>
}

/**
 * Starts everything and creates each datastore's container on the emulator's account, as a workspace has them. The
 * fake's certificate is trusted in this process until close(), so that tests can read storage back.
 */
export async function startStorageScenario(
  options: StorageScenarioOptions = {},
  app: Partial<FakeApp> = {}
): Promise<StorageScenario> {
  const { oauth, denyBlobClients, discardBlobWrites, syntheticBlobReads, ...fakeOptions } = options
  const certificate = await sharedServerCertificate()
  // The fake GitHub API takes the token the harness gives for action.yml's `${{ github.token }}` default.
  const fake = { githubApi: { token: workflowToken }, ...fakeOptions }
  // The worker's shared Azurite has basic OAuth on; a scenario without it starts one of its own.
  const shared = oauth === false ? undefined : workerAzurite()
  const [scenario, azurite] = await Promise.all([
    startScenario(fake, app),
    shared ?? startAzurite({ certificate, oauth })
  ])
  const blobFrontEnd = await startBlobFrontEnd({
    azuritePort: azurite.port,
    certificate,
    denyClients: denyBlobClients,
    discardWrites: discardBlobWrites,
    syntheticReads: syntheticBlobReads
  })
  // api.github.com through the proxy is the fake's GitHub API (see `githubApiViaProxy`).
  const fakePort = Number(new URL(scenario.fake.url).port)
  // The workspace's regional API host (run history) is the fake too.
  const apiHost = `${new URL(defaultApiHost).host}:443`
  // So is the batch endpoint's scoring URI as Resource Manager names it (endpoint-name).
  const inferenceHost = `${scoringHost(scenario.fake.batchEndpoint.workspace.endpointName)}:443`
  const proxy = await startBlobProxy({
    blobPort: blobFrontEnd.port,
    tunnels: { 'api.github.com:443': fakePort, [apiHost]: fakePort, [inferenceHost]: fakePort }
  })
  const stop = async () => {
    await proxy.close()
    await blobFrontEnd.close()
    // On a shared Azurite, what this scenario stored goes with it: memory stays bounded and no later test sees it.
    if (shared) await Promise.allSettled(emulatorContainers().map(container => container.deleteIfExists()))
    await azurite.close()
    await scenario.fake.close()
  }
  const trusted = tls.getCACertificates('default')
  tls.setDefaultCACertificates([...trusted, certificate.cert])

  const account = new BlobServiceClient(
    azurite.blobUrl,
    new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)
  )
  const containerOf = (name: string) => {
    const datastore = scenario.fake.resourceManager.datastores.find(d => d.name.toLowerCase() === name.toLowerCase())
    if (!datastore) throw new Error(`The scenario's workspace has no datastore named '${name}'`)
    return account.getContainerClient(datastore.containerName)
  }
  const emulatorContainers = () =>
    scenario.fake.resourceManager.datastores
      .filter(datastore => datastore.accountName === azurite.accountName)
      .map(datastore => containerOf(datastore.name))
  // A failure here would otherwise leave Azurite running behind a test that never gets a scenario to close.
  try {
    // Empty containers, even where an earlier scenario on a shared Azurite named the same one.
    for (const container of emulatorContainers()) {
      await container.deleteIfExists()
      await container.create()
    }
  } catch (error) {
    await stop()
    tls.setDefaultCACertificates(trusted)
    throw error
  }

  const outputs = new ScoringOutputs(azurite, () => scenario.fake.resourceManager.datastores)
  scenario.fake.batchEndpoint.jobStorage = outputs

  const env = { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1,localhost', GITHUB_API_URL: scenario.fake.url }
  const githubApiViaProxy = { GITHUB_API_URL: 'https://api.github.com' }
  // Besides the scenario's secrets: the workflow token and every datastore credential.
  const secrets = () => [
    ...scenario.secrets(),
    scenario.fake.githubApi.token,
    ...scenario.fake.resourceManager.datastores.map(({ credentials: c }) =>
      c.credentialsType === 'AccountKey' ? c.key : c.credentialsType === 'Sas' ? c.sasToken : ''
    )
  ]
  return {
    ...scenario,
    secrets,
    leaks: result => findLeaks(result, secrets()),
    azurite,
    blobFrontEnd,
    proxy,
    env,
    githubApiViaProxy,
    outputs,
    async writeBlob(name, content, datastore = 'workspaceblobstore') {
      await containerOf(datastore).getBlockBlobClient(name).upload(content, Buffer.byteLength(content))
    },
    run: (overrides = {}, more = {}) => scenario.run(overrides, { ...more, env: { ...env, ...more.env } }),
    start: (overrides = {}, more = {}) => scenario.start(overrides, { ...more, env: { ...env, ...more.env } }),
    async listBlobs(prefix = '', datastore = 'workspaceblobstore') {
      const names: string[] = []
      for await (const blob of containerOf(datastore).listBlobsFlat({ prefix })) names.push(blob.name)
      return names
    },
    async close() {
      await stop()
      tls.setDefaultCACertificates(trusted)
    }
  }
}
