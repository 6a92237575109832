// The built action (dist/index.js) run as the GitHub runner runs it, against the fake Azure over real TLS.
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { harnessProvenanceTags } from '../../test/e2e/run-action.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'

let scenario: Scenario
afterEach(async () => scenario?.fake.close())

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('submitting a job', () => {
  it('signs in, submits one job and sets its outputs and summary', async () => {
    scenario = await startScenario()
    const { fake } = scenario
    const result = await scenario.run()

    expect(result.exitCode).toBe(0)
    expect(fake.jobs).toHaveLength(1)
    const job = fake.jobs[0]!
    expect(result.outputs).toEqual({
      'job-id': job.name,
      status: 'Preparing',
      'studio-url': expect.stringMatching(new RegExp(`^https://ml.azure.com/runs/${job.name}\\?wsid=/subscriptions/`)),
      'job-resource-id': job.id
    })
    expect(job.name).toMatch(/^batchjob-/)

    const [submit, ...more] = fake.requestsTo('submit')
    expect(more).toHaveLength(0)
    const token = fake.tokens.find(t => t.audience === 'https://ml.azure.com')
    expect(submit!.headers['authorization']).toBe(`Bearer ${token!.accessToken}`)
    expect(submit!.headers['content-type']).toBe('application/json')
    expect(submit!.headers['repeatability_request-id']).toMatch(uuid)
    expect(submit!.headers['azureml-model-deployment']).toBeUndefined()
    expect(submit!.headers['user-agent']).toContain('azureml-batch-score-action')
    expect(JSON.parse(submit!.body)).toEqual({
      properties: {
        InputData: {
          input_data: { JobInputType: 'UriFolder', Uri: 'https://mystorage.blob.core.windows.net/data/heart-disease/' }
        },
        // Provenance: from the job in Studio one finds the run that started it; the submission's own id lets
        // Resource Manager find its job when the answer is lost.
        tags: {
          ...harnessProvenanceTags,
          'github.repeatability_request_id': submit!.headers['repeatability_request-id']
        }
      }
    })
    expect(fake.requestsTo('token')).toHaveLength(1)

    expect(result.summary).toContain(`| Job | \`${job.name}\` |`)
    expect(result.summary).toContain('| Status | `Preparing` |')
    expect(result.summary).toContain('| Deployment | `blue` |')
    expect(result.summary).toContain(`(${result.outputs['studio-url']})`)

    expect(result.masked).toEqual(expect.arrayContaining([scenario.app.clientSecret, token!.accessToken]))
    expect(scenario.leaks(result)).toEqual([])
  })

  it('appends /jobs to the endpoint URI and routes to a named deployment', async () => {
    scenario = await startScenario({ deployments: ['blue', 'xgb-v2'] })
    const result = await scenario.run({
      'endpoint-uri': scenario.fake.url,
      'deployment-name': 'xgb-v2',
      'input-uri': 'azureml://datastores/workspaceblobstore/paths/heart/data.csv',
      'input-type': 'uri_file'
    })
    expect(result.exitCode).toBe(0)
    const [submit] = scenario.fake.requestsTo('submit')
    expect(submit!.path).toBe('/jobs')
    expect(submit!.headers['azureml-model-deployment']).toBe('xgb-v2')
    expect(JSON.parse(submit!.body).properties.InputData.input_data).toEqual({
      JobInputType: 'UriFile',
      Uri: 'azureml://datastores/workspaceblobstore/paths/heart/data.csv'
    })
    expect(scenario.fake.jobs[0]!.deployment).toBe('xgb-v2')
    expect(result.summary).toContain('| Deployment | `xgb-v2` |')
  })

  it('leaks nothing with debug logging on', async () => {
    scenario = await startScenario()
    const result = await scenario.run({}, { env: { RUNNER_DEBUG: '1' } })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^::debug::/m)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('still succeeds when the step summary cannot be written', async () => {
    scenario = await startScenario()
    const result = await scenario.run({}, { env: { GITHUB_STEP_SUMMARY: '' } })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['job-id']).toBe(scenario.fake.jobs[0]!.name)
    expect(result.stdout).toContain('::warning::Could not write the step summary')
  })
})

describe('bad input fails before any request', () => {
  it.each([
    [{ 'tenant-id': undefined }, "Signing in with a service principal needs input 'tenant-id'"],
    [{ 'client-secret': undefined }, 'No way to sign in was given'],
    [{ 'client-id': 'gh-scoring-app' }, "Input 'client-id' must be a GUID"],
    [{ 'endpoint-uri': 'not a url' }, "Input 'endpoint-uri' must be an https URL"],
    [{ 'endpoint-uri': 'http://127.0.0.1/jobs' }, "Input 'endpoint-uri' must use https"],
    [{ 'input-uri': '' }, "Input 'input-uri' is required"],
    [{ 'input-uri': 'data/incoming' }, "Input 'input-uri' looks like a local path"],
    [{ 'input-type': 'csv' }, "Input 'input-type' must be one of uri_folder, uri_file"],
    [{ environment: 'public' }, "Input 'environment' must be one of azurecloud, azurechinacloud, azureusgovernment"]
  ])('%o', async (overrides, message) => {
    scenario = await startScenario()
    const result = await scenario.run(overrides)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(message)
    expect(scenario.fake.requests).toHaveLength(0)
    expect(scenario.leaks(result)).toEqual([])
  })
})

describe('service errors are explained', () => {
  it('a wrong client secret (AADSTS7000215)', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'client-secret': 'the-secret-id-not-its-value' })
    expect(result.exitCode).toBe(1)
    const message = errorMessage(result)
    expect(message).toContain('AADSTS7000215: Invalid client secret provided.')
    expect(message).toContain("use the secret's Value")
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
    expect(scenario.leaks(result)).toEqual([])
    expect(visibleWithout(result.stdout)).not.toContain('the-secret-id-not-its-value')
  })

  it('an app that is not in the tenant (AADSTS700016)', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'client-id': '11111111-2222-4333-8444-555555555555' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('AADSTS700016')
    expect(errorMessage(result)).toContain("check that 'client-id' and 'tenant-id' belong together")
  })

  it('a tenant that does not exist (AADSTS90002)', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'tenant-id': 'fabrikam-typo.onmicrosoft.com' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("AADSTS90002: Tenant 'fabrikam-typo.onmicrosoft.com' not found")
    expect(errorMessage(result)).toContain("check 'tenant-id'")
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })

  it('a principal without a role on the workspace (403)', async () => {
    scenario = await startScenario()
    scenario.fake.batchEndpoint.denyClients.add(scenario.app.clientId)
    const result = await scenario.run()
    expect(result.exitCode).toBe(1)
    const message = errorMessage(result)
    expect(message).toContain('HTTP 403 AuthorizationFailed')
    expect(message).toContain('"AzureML Data Scientist"')
    expect(message).toMatch(/Request id: [0-9a-f-]{36}/)
    expect(scenario.fake.jobs).toHaveLength(0)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('a token for another cloud (401)', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ environment: 'azurechinacloud' })
    expect(result.exitCode).toBe(1)
    expect(scenario.fake.tokens[0]!.audience).toBe('https://ml.azure.cn')
    expect(errorMessage(result)).toContain('HTTP 401')
    expect(errorMessage(result)).toContain("'environment' is the endpoint's cloud")
  })

  it('a plain-text refusal is shown as it came', async () => {
    scenario = await startScenario()
    scenario.fake.fail('submit', {
      status: 403,
      contentType: 'text/plain',
      body: 'Microsoft Entra Token denied by policy. Please contact your administrator.'
    })
    const result = await scenario.run()
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      'HTTP 403: Microsoft Entra Token denied by policy. Please contact your administrator.'
    )
  })

  it('an endpoint without a default deployment', async () => {
    scenario = await startScenario({ defaultDeployment: null, deployments: ['blue'] })
    const result = await scenario.run()
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('No valid deployments to route to')
    expect(errorMessage(result)).toContain("set 'deployment-name'")
  })

  it('a deployment that does not exist (404)', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'deployment-name': 'green' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Check 'deployment-name': the endpoint has no deployment 'green'")
  })
})

describe('transient failures are retried without a second job', () => {
  it('503 with Retry-After, then success', async () => {
    scenario = await startScenario()
    scenario.fake.fail('submit', {
      status: 503,
      headers: { 'retry-after': '1' },
      body: '{"error":{"code":"ServiceUnavailable","message":"busy"}}'
    })
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    const submits = scenario.fake.requestsTo('submit')
    expect(submits).toHaveLength(2)
    expect(submits[1]!.time - submits[0]!.time).toBeGreaterThanOrEqual(1000)
    expect(submits[1]!.headers['repeatability_request-id']).toBe(submits[0]!.headers['repeatability_request-id'])
    expect(scenario.fake.jobs).toHaveLength(1)
    expect(result.outputs['job-id']).toBe(scenario.fake.jobs[0]!.name)
  })

  it('a connection reset after the job was created, then success: still one job', async () => {
    scenario = await startScenario()
    scenario.fake.fail('submit', { reset: true, afterCreate: true })
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    const submits = scenario.fake.requestsTo('submit')
    expect(submits).toHaveLength(2)
    expect(submits[1]!.headers['repeatability_request-id']).toBe(submits[0]!.headers['repeatability_request-id'])
    expect(scenario.fake.jobs).toHaveLength(1)
    expect(result.outputs['job-id']).toBe(scenario.fake.jobs[0]!.name)
  })
})

describe('a submission whose outcome is unknown is settled before the step ends', () => {
  const busy = {
    status: 503,
    headers: { 'retry-after': '0' },
    body: '{"error":{"code":"ServiceUnavailable","message":"busy"}}'
  }

  async function failingScenario(): Promise<Scenario> {
    scenario = await startScenario({ jobStatuses: ['Running'] })
    scenario.inputs['resource-manager-endpoint'] = scenario.fake.url
    return scenario
  }

  /** The post step on the state main left: it has nothing left to do. */
  async function expectPostSendsNothing(main: Awaited<ReturnType<Scenario['run']>>): Promise<void> {
    const seen = scenario.fake.requests.length
    const post = await scenario.run({}, { entry: 'post', workDir: main.workDir })
    expect(post.exitCode).toBe(0)
    expect(scenario.fake.requests.slice(seen).filter(r => r.headers['authorization'])).toEqual([])
  }

  it('503s after the endpoint took the job: the job is named and cancelled, and the message says so', async () => {
    const { fake } = await failingScenario()
    fake.fail('submit', { ...busy, afterCreate: true }, busy, busy, busy, busy)
    const main = await scenario.run()

    expect(main.exitCode).toBe(1)
    const message = errorMessage(main)
    expect(message).toMatch(/^The batch endpoint did not confirm the job: HTTP 503 ServiceUnavailable: busy\n/)
    const job = fake.jobs[0]!
    expect(message).toMatch(
      new RegExp(
        '\nThe endpoint took the job although its answer said otherwise: sent again with the same ' +
          `repeatability_request-id, the submission names job ${job.name}; asked Azure to cancel job ${job.name}\\.$`
      )
    )
    // Five attempts, then one replay with the same repeatability id.
    expect(fake.requestsTo('submit')).toHaveLength(6)
    expect(new Set(fake.requestsTo('submit').map(r => r.headers['repeatability_request-id'])).size).toBe(1)
    expect(fake.jobs).toHaveLength(1)
    expect(job.cancelRequests).toBe(1)
    await expectPostSendsNothing(main)
    expect(fake.jobs).toHaveLength(1)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
  })

  it('503s after the endpoint took the job, with the workspace given: Resource Manager names it, nothing is sent again', async () => {
    const { fake } = await failingScenario()
    scenario.inputs['workspace'] = workspaceArmId(fake.batchEndpoint.workspace)
    fake.fail('submit', { ...busy, afterCreate: true }, busy, busy, busy, busy)
    const main = await scenario.run()

    expect(main.exitCode).toBe(1)
    const job = fake.jobs[0]!
    expect(errorMessage(main)).toMatch(
      new RegExp(
        `\nThe endpoint took the job although its answer said otherwise: Resource Manager lists job ${job.name}, ` +
          `tagged with this submission's id; asked Azure to cancel job ${job.name}\\.$`
      )
    )
    // The five attempts only: the job was found by its tag, not by sending the submission again.
    expect(fake.requestsTo('submit')).toHaveLength(5)
    const listed = fake.requestsTo('armListJobs')
    expect(listed).toHaveLength(1)
    expect(new URL(listed[0]!.path, fake.url).searchParams.get('tag')).toBe('github.repeatability_request_id')
    expect(fake.jobs).toHaveLength(1)
    expect(job.cancelRequests).toBe(1)
    await expectPostSendsNothing(main)
  })

  it('an answer lost to a reset after the job was created: the job is found and cancelled', async () => {
    const { fake } = await failingScenario()
    fake.fail('submit', { reset: true, afterCreate: true }, busy, busy, busy, busy)
    const main = await scenario.run()

    expect(main.exitCode).toBe(1)
    expect(errorMessage(main)).toMatch(/names job (batchjob-[0-9a-f-]+); asked Azure to cancel job \1\.$/)
    expect(fake.jobs).toHaveLength(1)
    expect(fake.jobs[0]!.cancelRequests).toBe(1)
  })

  it('only refusals (429): nothing is sent again and no job exists', async () => {
    const { fake } = await failingScenario()
    const throttled = { ...busy, status: 429, body: '{"error":{"code":"TooManyRequests","message":"slow down"}}' }
    fake.fail('submit', throttled, throttled, throttled, throttled, throttled)
    const main = await scenario.run()

    expect(main.exitCode).toBe(1)
    expect(errorMessage(main)).toMatch(/^The batch endpoint did not start the job: HTTP 429 TooManyRequests/)
    expect(fake.requestsTo('submit')).toHaveLength(5)
    expect(fake.jobs).toHaveLength(0)
    await expectPostSendsNothing(main)
    expect(fake.jobs).toHaveLength(0)
  })
})

function visibleWithout(stdout: string): string {
  return stdout.replace(/^::add-mask::.*$/gm, '')
}
