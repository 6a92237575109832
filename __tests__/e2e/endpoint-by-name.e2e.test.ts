// endpoint-name and job-id, end to end: dist/index.js reads the batch endpoint through the fake Resource Manager and
// submits to the scoring URI it names (https://score-batch.eastus2.inference.ml.azure.com/jobs, which the test proxy
// leads to the fake), or follows a job submitted earlier by its name, downloading its results from Azurite.
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { writeCheckout } from '../../test/checkout.js'
import { cancelLikeTheRunner, until } from '../../test/e2e/runner-cancel.js'
import { errorMessage } from '../../test/e2e/scenario.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { scoringHost } from '../../test/fake-azure/arm-batch-endpoints.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

const endpointName = 'score-batch'
const scoringUri = `https://${scoringHost(endpointName)}/jobs`

async function byName(options: Parameters<typeof startStorageScenario>[0] = {}) {
  scenario = await startStorageScenario(options)
  return {
    'endpoint-uri': undefined,
    'endpoint-name': endpointName,
    workspace: workspaceArmId(scenario.fake.batchEndpoint.workspace),
    'resource-manager-endpoint': scenario.fake.url
  }
}

/** Requests that reached the fake's batch endpoint, or the proxy's way to its host. */
function scoringTraffic() {
  return {
    submissions: scenario.fake.requestsTo('submit').length,
    tunnels: scenario.proxy.connects.filter(target => target.includes('inference')).length
  }
}

const mlTokens = () => scenario.fake.tokens.filter(t => t.audience === 'https://ml.azure.com')

describe('a batch endpoint by name', () => {
  it('reads the endpoint, submits to its scoring URI and waits, naming the endpoint by name', async () => {
    const inputs = await byName({ jobStatuses: ['Preparing', 'Running', 'Completed'] })
    const result = await scenario.run({ ...inputs, wait: 'true', 'poll-interval': '1s' })
    expect(result.exitCode).toBe(0)
    const reads = scenario.fake.requestsTo('armGetBatchEndpoint')
    expect(reads).toHaveLength(1)
    expect(reads[0]!.path).toBe(`${inputs.workspace}/batchEndpoints/${endpointName}?api-version=2025-12-01`)
    const armToken = scenario.fake.tokens.find(t => t.audience === 'https://management.azure.com')!
    expect(reads[0]!.headers['authorization']).toBe(`Bearer ${armToken.accessToken}`)
    // No deployment-name: the default is used, and no deployment is read.
    expect(scenario.fake.requestsTo('armGetDeployment')).toHaveLength(0)
    const [submit] = scenario.fake.requestsTo('submit')
    expect(submit!.headers['host']).toBe(scoringHost(endpointName))
    expect(submit!.headers['azureml-model-deployment']).toBeUndefined()
    expect(scenario.proxy.connects).toContain(`${scoringHost(endpointName)}:443`)
    expect(result.stdout).toContain(
      `Batch endpoint ${endpointName}: scoring URI ${scoringUri}, deployment blue (its default)`
    )
    expect(result.stdout).toContain(`POST ${scoringUri}`)
    expect(result.outputs['status']).toBe('Completed')
    expect(result.outputs['job-id']).toBe(scenario.fake.jobs[0]!.name)
    expect(result.summary).toContain(`| Endpoint | \`${endpointName} (${scoringUri})\` |`)
    expect(result.summary).toContain('| Deployment | `blue` |')
    expect(scenario.leaks(result)).toEqual([])
  })

  it('names the workspace and its endpoints when the name is wrong, and submits nothing', async () => {
    const inputs = await byName({ otherEndpoints: ['fraud-batch', 'churn-batch'] })
    const result = await scenario.run({ ...inputs, 'endpoint-name': 'score-btach' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      `Batch endpoint 'score-btach' was not found in workspace ${inputs.workspace}. ` +
        "The workspace's batch endpoints: score-batch, fraud-batch, churn-batch."
    )
    expect(scenario.fake.requestsTo('armListBatchEndpoints')).toHaveLength(1)
    expect(scoringTraffic()).toEqual({ submissions: 0, tunnels: 0 })
    expect(mlTokens()).toEqual([])
  })

  it('names the deployments that exist when deployment-name is not one, and submits nothing', async () => {
    const inputs = await byName({ deployments: ['blue', 'green'] })
    const result = await scenario.run({ ...inputs, 'deployment-name': 'gren' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      "Deployment 'gren' was not found in batch endpoint 'score-batch'. The endpoint's deployments: blue, green."
    )
    expect(scoringTraffic()).toEqual({ submissions: 0, tunnels: 0 })
  })

  it('refuses an endpoint without a default deployment before any POST', async () => {
    const inputs = await byName({ defaultDeployment: null, deployments: ['blue'] })
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      "Batch endpoint 'score-batch' has no default deployment: name one with deployment-name"
    )
    expect(scoringTraffic()).toEqual({ submissions: 0, tunnels: 0 })
    expect(scenario.fake.jobs).toHaveLength(0)
  })

  it('waits for an endpoint being created, then submits to the deployment named', async () => {
    const inputs = await byName({
      deployments: ['blue', 'green'],
      endpointProvisioning: ['Creating', 'Succeeded'],
      deploymentProvisioning: { green: ['Updating', 'Succeeded'] }
    })
    const result = await scenario.run({ ...inputs, 'deployment-name': 'green' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain("The batch endpoint 'score-batch' is Creating; reading it again in 2s")
    expect(result.stdout).toContain("The deployment 'green' is Updating; reading it again in 2s")
    expect(scenario.fake.requestsTo('armGetBatchEndpoint')).toHaveLength(2)
    expect(scenario.fake.requestsTo('armGetDeployment')).toHaveLength(2)
    const [submit] = scenario.fake.requestsTo('submit')
    expect(submit!.headers['azureml-model-deployment']).toBe('green')
    expect(result.outputs['job-id']).toBe(scenario.fake.jobs[0]!.name)
  })

  it('sends no token to a scoring URI off the batch inference domain', async () => {
    const hostile = 'https://collector.attacker.example/jobs'
    const inputs = await byName({ scoringUri: hostile })
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      `Batch endpoint 'score-batch' names the scoring URI '${hostile}', which is not an https address on ` +
        'inference.ml.azure.com; nothing was sent to it.'
    )
    expect(scenario.proxy.connects.filter(target => target.includes('attacker'))).toEqual([])
    expect(scoringTraffic()).toEqual({ submissions: 0, tunnels: 0 })
    expect(mlTokens()).toEqual([])
  })

  it('names the missing action and the role when the endpoint may not be read', async () => {
    const inputs = await byName()
    scenario.fake.batchEndpoint.denyClients.add(scenario.app.clientId.toLowerCase())
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      'Microsoft.MachineLearningServices/workspaces/batchEndpoints/read on the workspace, which the role ' +
        '"AzureML Data Scientist" has'
    )
    expect(scoringTraffic()).toEqual({ submissions: 0, tunnels: 0 })
  })

  it('resolves the endpoint in a dry run with reads only, showing its scoring URI and deployment', async () => {
    const inputs = await byName()
    const result = await scenario.run({ ...inputs, 'dry-run': 'true' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      `Batch endpoint ${endpointName}: scoring URI ${scoringUri}, deployment blue (its default)`
    )
    expect(result.stdout).toContain(`POST ${scoringUri}`)
    expect(scenario.fake.requests.filter(r => r.route !== 'token' && r.method !== 'GET')).toEqual([])
    expect(scoringTraffic()).toEqual({ submissions: 0, tunnels: 0 })
  })

  it('fails a dry run where the real run would', async () => {
    const inputs = await byName({ defaultDeployment: null, deployments: ['blue'] })
    const result = await scenario.run({ ...inputs, 'dry-run': 'true' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('no default deployment: name one with deployment-name')
  })

  it.each([
    [{ 'endpoint-name': endpointName }, "'endpoint-uri' and 'endpoint-name' were given"],
    [{ 'job-id': 'batchjob-1' }, "'endpoint-uri' and 'job-id' were given"]
  ])('refuses the endpoint given two ways before any request: %j', async (extra, said) => {
    scenario = await startStorageScenario()
    const workspace = workspaceArmId(scenario.fake.batchEndpoint.workspace)
    const result = await scenario.run({ ...extra, workspace, 'resource-manager-endpoint': scenario.fake.url })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Give exactly one of 'endpoint-uri'")
    expect(errorMessage(result)).toContain(said)
    expect(scenario.fake.requests).toEqual([])
    expect(scenario.proxy.connects).toEqual([])
  })
})

describe('the post step of a run that reached the endpoint by name', () => {
  async function killedMidPost() {
    const inputs = await byName({ jobStatuses: ['Running'] })
    // The endpoint creates the job only after 3 s: main is killed with the POST in flight.
    scenario.fake.fail('submit', { delayMs: 3_000 })
    const running = scenario.start({ ...inputs, wait: 'true' })
    await until(() => scenario.fake.requestsTo('submit').length >= 1, 'the POST', 30_000)
    running.child.kill('SIGKILL')
    return { inputs, main: await running.result }
  }

  it('finds the job the POST created and cancels it, taking the saved scoring URI on the inference domain', async () => {
    const { inputs, main } = await killedMidPost()
    expect(JSON.parse(main.state['submission']!).scoringUri).toBe(scoringUri)
    const post = await scenario.run(inputs, { entry: 'post', workDir: main.workDir })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toMatch(/^The workflow run was cancelled: asked Azure to cancel job batchjob-/m)
    expect(scenario.fake.jobs).toHaveLength(1)
    expect(scenario.fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(scenario.leaks(post)).toEqual([])
  })

  it('refuses a saved scoring URI off the inference domain, sending no token', async () => {
    const { inputs, main } = await killedMidPost()
    const submission = JSON.parse(main.state['submission']!) as { scoringUri: string }
    const elsewhere = 'https://collector.attacker.example/jobs'
    appendFileSync(
      join(main.workDir, 'state'),
      `submission<<tampered_delimiter\n${JSON.stringify({ ...submission, scoringUri: elsewhere })}\ntampered_delimiter\n`
    )
    const seen = scenario.fake.requests.length
    const connects = scenario.proxy.connects.length
    const post = await scenario.run(inputs, { entry: 'post', workDir: main.workDir })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(
      `::warning::Could not cancel the Azure job: the state saved for this step does not match its inputs: the saved ` +
        `submission's scoring URI '${elsewhere}' is not on inference.ml.azure.com. Nothing was sent`
    )
    expect(scenario.fake.requests.slice(seen).filter(r => r.headers['authorization'])).toEqual([])
    expect(scenario.proxy.connects.slice(connects)).toEqual([])
  })
})

describe('a job by job-id', () => {
  /** A job submitted by an earlier run of the step, which did not wait; its results go to output-uri. */
  async function submittedEarlier(
    options: Parameters<typeof startStorageScenario>[0] = {},
    outputUri = 'azureml://datastores/workspaceblobstore/paths/weekly-results/predictions.csv'
  ) {
    scenario = await startStorageScenario(options)
    const workspace = workspaceArmId(scenario.fake.batchEndpoint.workspace)
    const submitted = await scenario.run({ 'output-uri': outputUri })
    expect(submitted.exitCode).toBe(0)
    const jobId = submitted.outputs['job-id']!
    const inputs = {
      'endpoint-uri': undefined,
      'input-uri': undefined,
      'job-id': jobId,
      workspace,
      'poll-interval': '1s',
      'resource-manager-endpoint': scenario.fake.url
    }
    return { jobId, inputs, before: scenario.fake.requests.length }
  }

  it('follows a running job to Completed and downloads its own output, submitting nothing', async () => {
    const { jobId, inputs, before } = await submittedEarlier({
      jobStatuses: ['Preparing', 'Running', 'Running', 'Completed']
    })
    const root = writeCheckout({})
    const result = await scenario.run(
      { ...inputs, 'download-path': 'results' },
      { env: { GITHUB_WORKSPACE: root, GITHUB_JOB: 'collect' } }
    )
    expect(result.exitCode).toBe(0)
    const later = scenario.fake.requests.slice(before)
    expect(later.filter(r => r.route === 'submit')).toEqual([])
    expect(scenario.fake.jobs).toHaveLength(1)
    expect(result.stdout).toContain(`Job ${jobId} is Preparing`)
    expect(result.stdout).toContain(`Waiting for ${jobId} to finish (at most 6h from now)`)
    expect(result.stdout).toMatch(/^Status: Running$/m)
    expect(result.outputs['job-id']).toBe(jobId)
    expect(result.outputs['status']).toBe('Completed')
    expect(result.outputs['output-uri']).toBe(
      'azureml://datastores/workspaceblobstore/paths/weekly-results/predictions.csv'
    )
    const file = join(root, 'results', 'predictions.csv')
    expect(result.outputs['results-file']).toBe(file)
    expect(readFileSync(file, 'utf8')).toMatch(/^.+,0\.\d{4}\n/)
    expect(result.summary).toContain(`| Job | \`${jobId}\` |`)
    expect(result.summary).toContain('| Status | `Completed` |')
    expect(later.filter(r => r.route === 'armCancelJob')).toEqual([])
    expect(scenario.leaks(result)).toEqual([])
  })

  it('explains a job that has already Failed at once, without waiting', async () => {
    const { jobId, inputs } = await submittedEarlier()
    scenario.fake.setJobStatuses(['Failed'], jobId)
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(result.outputs['status']).toBe('Failed')
    expect(errorMessage(result)).toContain(`Job ${jobId} ended Failed.`)
    expect(result.stdout).not.toContain('::group::Wait for the job to finish')
    expect(result.stdout).toContain('::group::Why the job failed')
    expect(scenario.fake.requestsTo('armCancelJob')).toEqual([])
  })

  it('cancels the followed job when the workflow run is cancelled during the wait, as cancel-on-workflow-cancel says', async () => {
    const { jobId, inputs } = await submittedEarlier({ jobStatuses: ['Preparing', 'Running'] })
    const running = scenario.start(inputs)
    await running.waitForOutput(/^Status: Running$/, 30_000)
    const cancelled = await cancelLikeTheRunner(running)
    expect(cancelled.signalsSent).toEqual(['SIGINT'])
    expect(cancelled.exitCode).toBe(1)
    expect(errorMessage(cancelled)).toContain(`The workflow run was cancelled while waiting for job ${jobId}.`)
    expect(scenario.fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(scenario.fake.requestsTo('armCancelJob')[0]!.path).toContain(`/jobs/${jobId}/cancel`)
  })

  it('reads the job in a dry run, and neither waits for it nor cancels it', async () => {
    const { jobId, inputs, before } = await submittedEarlier()
    const result = await scenario.run({ ...inputs, 'dry-run': 'true' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(`Job ${jobId} is Preparing; the action would follow it through`)
    // Besides signing in (Entra's routes), one read of the job.
    const later = scenario.fake.requests.slice(before).filter(r => r.route.startsWith('arm') || r.route === 'submit')
    expect(later.map(r => r.route)).toEqual(['armGetJob'])
  })

  it("downloads nothing from another workspace than 'workspace', where the job's definition puts its output", async () => {
    const elsewhere =
      'azureml://subscriptions/00000000-0000-4000-8000-00000000beef/resourcegroups/victim-rg/workspaces/victim-ws' +
      '/datastores/workspaceblobstore/paths/secret/predictions.csv'
    const { jobId, inputs, before } = await submittedEarlier({ jobStatuses: ['Completed'] }, elsewhere)
    const root = writeCheckout({})
    const result = await scenario.run({ ...inputs, 'download-path': 'results' }, { env: { GITHUB_WORKSPACE: root } })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      `Job ${jobId} writes its output 'score' to another workspace (/subscriptions/00000000-0000-4000-8000-00000000beef/`
    )
    const later = scenario.fake.requests.slice(before).map(r => r.route)
    expect(later.filter(route => route.startsWith('armGetDatastore') || route.startsWith('armList'))).toEqual([])
    expect(result.outputs['output-uri']).toBeUndefined()
  })

  it('names the job and the workspace when there is no such job', async () => {
    scenario = await startStorageScenario()
    const workspace = workspaceArmId(scenario.fake.batchEndpoint.workspace)
    const result = await scenario.run({
      'endpoint-uri': undefined,
      'input-uri': undefined,
      'job-id': 'batchjob-0000',
      workspace,
      'resource-manager-endpoint': scenario.fake.url
    })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(`Job 'batchjob-0000' was not found in workspace ${workspace}.`)
    expect(scenario.fake.requestsTo('submit')).toEqual([])
  })
})
