// What the fake's jobs leave behind, over real TLS: a model deployment's output checks, the predictions a Completed
// job writes to Azurite, the workspace's discoveryUrl and run history with its pre-signed log URLs.
import { ClientSecretCredential } from '@azure/identity'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { send } from '../../test/fake-azure/raw-request.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

async function token(scope: string): Promise<string> {
  const { tenantId, clientId, clientSecret } = scenario.app
  const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, {
    authorityHost: scenario.fake.url,
    disableInstanceDiscovery: true
  })
  return (await credential.getToken(scope)).token
}

async function submit(properties: Record<string, unknown>) {
  return send(scenario.fake.scoringUri, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await token('https://ml.azure.com/.default')}`,
      'content-type': 'application/json'
    },
    body: JSON.stringify({ properties })
  })
}

const workspacePath = () => {
  const ws = scenario.fake.batchEndpoint.workspace
  return workspaceArmId(ws)
}

async function armGet(path: string) {
  return send(`${scenario.fake.url}${path}`, {
    headers: { authorization: `Bearer ${await token('https://management.azure.com/.default')}` }
  })
}

const input = {
  InputData: { input_data: { JobInputType: 'UriFile', Uri: 'https://acct.blob.core.windows.net/c/a.csv' } }
}

it("refuses a model deployment's folder output as the service does", async () => {
  scenario = await startStorageScenario()
  const answer = await submit({
    ...input,
    OutputData: { score: { JobOutputType: 'UriFolder', Uri: 'azureml://datastores/workspaceblobstore/paths/out/' } }
  })
  expect(answer.status).toBe(400)
  const message = JSON.parse(answer.body).error.message as string
  expect(message).toMatch(/^The Job request provided has the following validation errors/)
  expect(message).toContain('"ErrorMessage": "Job output type must be \'uri_file\'."')
  expect(message).toContain('"PropertyName": "OutputData.Values[0].JobOutputType"')
})

it('writes the predictions where the service puts them by default once the job Completed', async () => {
  scenario = await startStorageScenario({ jobStatuses: ['Running', 'Completed'] })
  const job = JSON.parse((await submit(input)).body) as { name: string }
  expect(await scenario.listBlobs(`azureml/${job.name}/`)).toEqual([])
  await armGet(`${workspacePath()}/jobs/${job.name}?api-version=2025-12-01`)
  await armGet(`${workspacePath()}/jobs/${job.name}?api-version=2025-12-01`)
  expect(await scenario.listBlobs(`azureml/${job.name}/`)).toEqual([`azureml/${job.name}/score/predictions.csv`])
})

it("serves the workspace's discoveryUrl, the discovery document and run history behind an ARM token", async () => {
  scenario = await startStorageScenario({ jobStatuses: ['Failed'] })
  scenario.fake.runHistory.failure = {
    stepError: { code: 'UserError', message: 'No succeeded mini batch item returned from run()' },
    logs: { 'logs/user/error.txt': 'boom\n' }
  }
  const workspace = JSON.parse((await armGet(`${workspacePath()}?api-version=2025-12-01`)).body)
  expect(workspace.properties.discoveryUrl).toBe('https://eastus2.api.azureml.ms/discovery')
  expect(JSON.parse((await send(`${scenario.fake.url}/discovery`)).body).api).toBe('https://eastus2.api.azureml.ms')

  const job = JSON.parse((await submit(input)).body) as { name: string }
  await armGet(`${workspacePath()}/jobs/${job.name}?api-version=2025-12-01`)
  const runs = `/history/v1.0${workspacePath()}/runs`
  expect((await send(`${scenario.fake.url}${runs}/${job.name}/details`)).status).toBe(401)
  const children = JSON.parse((await armGet(`${runs}/${job.name}/children`)).body)
  expect(children.value).toEqual([expect.objectContaining({ name: 'batchscoring', parentRunId: job.name })])
  const step = JSON.parse((await armGet(`${runs}/${children.value[0].runId}/details`)).body)
  expect(step.status).toBe('Failed')
  expect(step.error.error).toMatchObject({
    code: 'UserError',
    message: 'No succeeded mini batch item returned from run()'
  })
  expect(step.logFiles['logs/user/error.txt']).toMatch(
    /^https:\/\/devstoreaccount1\.blob\.core\.windows\.net\/azureml\/ExperimentRun\/dcid\.[0-9a-f-]+\/logs\/user\/error\.txt\?.*sig=/
  )
})

it("grows a running job's scoring logs at each status read and lists them on its scoring step", async () => {
  scenario = await startStorageScenario({ jobStatuses: ['Preparing', 'Running', 'Running', 'Completed'] })
  const progress = 'logs/job_progress_overview.20261128083000.txt'
  const newer = 'logs/job_progress_overview.20261128093000.txt'
  scenario.fake.runHistory.scoring = { logs: { [progress]: ['a\nb', 'c\n', 'd\n'], [newer]: [null, 'e\n', 'f\n'] } }
  const job = JSON.parse((await submit(input)).body) as { name: string }
  const runs = `/history/v1.0${workspacePath()}/runs`
  const step = JSON.parse((await armGet(`${runs}/${job.name}/children`)).body).value[0].runId as string
  const logFiles = async () => JSON.parse((await armGet(`${runs}/${step}/details`)).body).logFiles
  const text = async (url: string) => (await send(url.replace(/^https:\/\/[^/]+/, scenario.azurite.blobUrl))).body
  const readStatus = () => armGet(`${workspacePath()}/jobs/${job.name}?api-version=2025-12-01`)

  await readStatus()
  expect(await logFiles()).toEqual({})
  await readStatus()
  expect(Object.keys(await logFiles())).toEqual([progress])
  expect(await text((await logFiles())[progress])).toBe('a\nb')
  await readStatus()
  expect(Object.keys(await logFiles()).sort()).toEqual([progress, newer])
  expect(await text((await logFiles())[progress])).toBe('a\nbc\n')
  // The read that answers Completed writes the rest.
  await readStatus()
  expect(await text((await logFiles())[progress])).toBe('a\nbc\nd\n')
  expect(await text((await logFiles())[newer])).toBe('e\nf\n')
})
