// The storage scenario's environment in a process of its own, as the action will run: nothing but HTTPS_PROXY,
// NO_PROXY, GITHUB_API_URL and NODE_EXTRA_CA_CERTS tells the Azure SDK and octokit where Azure storage and GitHub are.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { repoRoot } from '../../test/e2e/run-action.js'
import { emulatorAccount } from '../../test/fake-azure/arm-datastores.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'

const before = 'a'.repeat(40)
const after = 'b'.repeat(40)

// What the action's code will do, in miniature: sign in, upload with the identity, ask GitHub for the changed files.
const actionLike = `
import { ClientSecretCredential } from '@azure/identity'
import { BlobServiceClient } from '@azure/storage-blob'
import { getOctokit } from '@actions/github'
const env = process.env
const credential = new ClientSecretCredential(env.TEST_TENANT, env.TEST_CLIENT, env.TEST_SECRET, {
  authorityHost: env.TEST_AUTHORITY,
  disableInstanceDiscovery: true
})
const service = new BlobServiceClient('https://devstoreaccount1.blob.core.windows.net', credential)
await service.getContainerClient(env.TEST_CONTAINER).getBlockBlobClient('runs/1/part-1.csv').upload('63,233', 6)
const octokit = getOctokit(env.TEST_GITHUB_TOKEN)
const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
  owner: 'contoso', repo: 'heart-data', basehead: env.TEST_BASEHEAD
})
console.log(JSON.stringify(data.files.map(f => f.filename)))
`

let scenario: StorageScenario

beforeAll(async () => {
  scenario = await startStorageScenario()
})

afterAll(async () => {
  await scenario?.close()
})

it('reaches blob storage through the proxy and the fake Azure and GitHub directly, from the environment alone', async () => {
  const { fake } = scenario
  fake.githubApi.setCompare(`${before}...${after}`, [{ filename: 'data/heart/part-1.csv', status: 'modified' }])
  const [datastore] = fake.resourceManager.datastores
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', actionLike], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      NODE_EXTRA_CA_CERTS: fake.caFile,
      ...scenario.env,
      TEST_TENANT: scenario.app.tenantId,
      TEST_CLIENT: scenario.app.clientId,
      TEST_SECRET: scenario.app.clientSecret,
      TEST_AUTHORITY: fake.url,
      TEST_CONTAINER: datastore!.containerName,
      TEST_GITHUB_TOKEN: fake.githubApi.token,
      TEST_BASEHEAD: `${before}...${after}`
    }
  })

  expect(JSON.parse(stdout)).toEqual(['data/heart/part-1.csv'])
  expect(await scenario.listBlobs('runs/')).toEqual(['runs/1/part-1.csv'])
  // Only blob traffic went through the proxy: Entra and the GitHub API at 127.0.0.1 were reached directly.
  expect(new Set(scenario.proxy.connects)).toEqual(new Set(['devstoreaccount1.blob.core.windows.net:443']))
  expect(scenario.blobFrontEnd.requests.map(r => [r.method, r.auth, r.clientId, r.status])).toEqual([
    ['PUT', 'Bearer', scenario.app.clientId, 201]
  ])
  expect(fake.requestsTo('githubCompare')).toHaveLength(1)
  expect(scenario.secrets()).toEqual(expect.arrayContaining([fake.githubApi.token, emulatorAccount.key]))
})
