// wait: true, end to end: dist/index.js follows the job through the fake Resource Manager, as the runner runs it.
import { until } from '../../test/e2e/runner-cancel.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'

let scenario: Scenario
afterEach(async () => scenario?.fake.close())

async function following(options: Parameters<typeof startScenario>[0] = {}): Promise<Scenario> {
  scenario = await startScenario(options)
  Object.assign(scenario.inputs, {
    wait: 'true',
    'poll-interval': '1s',
    'resource-manager-endpoint': scenario.fake.url
  })
  return scenario
}

describe('waiting for the job', () => {
  it('follows a job to Completed and reports status and duration', async () => {
    const { fake } = await following({ jobStatuses: ['Preparing', 'Running', 'Running', 'Completed'] })
    const result = await scenario.run()

    expect(result.exitCode).toBe(0)
    const job = fake.jobs[0]!
    expect(result.outputs['job-id']).toBe(job.name)
    expect(result.outputs['status']).toBe('Completed')
    expect(Number(result.outputs['duration-seconds'])).toBeGreaterThanOrEqual(1)
    const reads = fake.requestsTo('armGetJob')
    expect(reads).toHaveLength(4)
    const armToken = fake.tokens.find(t => t.audience === 'https://management.azure.com')!
    expect(reads[0]!.path).toBe(
      `/subscriptions/${fake.batchEndpoint.workspace.subscriptionId}/resourceGroups/${fake.batchEndpoint.workspace.resourceGroup}` +
        `/providers/Microsoft.MachineLearningServices/workspaces/${fake.batchEndpoint.workspace.workspace}/jobs/${job.name}?api-version=2025-12-01`
    )
    expect(reads.every(r => r.headers['authorization'] === `Bearer ${armToken.accessToken}`)).toBe(true)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
    // Each status change is logged once, however often it was read.
    expect(result.stdout.match(/^Status: Running$/gm)).toHaveLength(1)
    expect(result.stdout.match(/^Status: Completed$/gm)).toHaveLength(1)
    expect(result.summary).toContain('| Status | `Completed` |')
    expect(result.summary).toMatch(/\| Duration \| `\d+s` \|/)
    expect(result.summary.match(/### Azure ML batch scoring job/g)).toHaveLength(1)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('fails the step when the job fails, with the Studio link', async () => {
    const { fake } = await following({ jobStatuses: ['Running', 'Failed'] })
    const result = await scenario.run()
    expect(result.exitCode).toBe(1)
    expect(result.outputs['status']).toBe('Failed')
    expect(errorMessage(result)).toMatch(
      new RegExp(
        `^Job ${fake.jobs[0]!.name} ended Failed after \\d+s\\. Its logs: https://ml\\.azure\\.com/runs/${fake.jobs[0]!.name}`
      )
    )
  })

  it('only warns about a failed job with fail-on-job-failure: false', async () => {
    await following({ jobStatuses: ['Running', 'Failed'] })
    const result = await scenario.run({ 'fail-on-job-failure': 'false' })
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Failed')
    expect(result.stdout).toMatch(/^::warning::Job batchjob-\S+ ended Failed/m)
  })

  it('cancels the job when wait-timeout passes, then fails', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const result = await scenario.run({ 'wait-timeout': '4s' })
    expect(result.exitCode).toBe(1)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(errorMessage(result)).toContain('did not finish within wait-timeout (4s)')
    expect(errorMessage(result)).toContain('was cancelled')
    const lastRead = fake.requestsTo('armGetJob').at(-1)!
    // The wait ends within one poll of the timeout, counted from the submission.
    expect(lastRead.time - fake.requestsTo('submit')[0]!.time).toBeLessThan(4_000 + 1_500)
  })

  it('leaves the job running on timeout with cancel-on-timeout: false', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const result = await scenario.run({ 'wait-timeout': '3s', 'cancel-on-timeout': 'false' })
    expect(result.exitCode).toBe(1)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
    expect(errorMessage(result)).toContain('left running, as cancel-on-timeout is false')
  })

  it('stops when Resource Manager refuses to show the job to a fresh token too', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const refusal = {
      status: 403,
      body: JSON.stringify({
        error: { code: 'AuthorizationFailed', message: 'The client does not have authorization.' }
      })
    }
    fake.fail('armGetJob', refusal, refusal)
    // Without a role to read jobs there is none to cancel them either: the cancel the step then tries is refused too.
    fake.fail('armCancelJob', refusal)
    const result = await scenario.run()
    expect(result.exitCode).toBe(1)
    // The second read carried a token asked for after the first refusal, not the cached one.
    const reads = fake.requestsTo('armGetJob')
    expect(reads).toHaveLength(2)
    expect(reads[1]!.headers['authorization']).not.toBe(reads[0]!.headers['authorization'])
    expect(errorMessage(result)).toContain('HTTP 403 AuthorizationFailed')
    expect(errorMessage(result)).toContain('The job itself keeps running')
  })
})

describe('Resource Manager under load', () => {
  it('honours 429 Retry-After and keeps polling through 500s and resets', async () => {
    const { fake } = await following({ jobStatuses: ['Running', 'Running', 'Completed'] })
    fake.fail(
      'armGetJob',
      {
        status: 429,
        headers: { 'retry-after': '2' },
        body: '{"error":{"code":"TooManyRequests","message":"slow down"}}'
      },
      { status: 500, body: '{"error":{"code":"InternalServerError","message":"oops"}}' },
      { reset: true }
    )
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Completed')
    const reads = fake.requestsTo('armGetJob')
    expect(reads[1]!.time - reads[0]!.time).toBeGreaterThanOrEqual(2_000)
    expect(reads).toHaveLength(6)
  })

  it('gets new tokens when they expire during a wait', async () => {
    const { fake } = await following({
      tokenLifetimeSeconds: 2,
      jobStatuses: ['Running', 'Running', 'Running', 'Running', 'Running', 'Completed']
    })
    const result = await scenario.run({ 'poll-interval': '1s' })
    expect(result.exitCode).toBe(0)
    const armTokens = fake.tokens.filter(t => t.audience === 'https://management.azure.com')
    expect(armTokens.length).toBeGreaterThan(1)
    // Every read carried a token that was valid when it arrived.
    const reads = fake.requestsTo('armGetJob')
    for (const read of reads) {
      const token = armTokens.find(t => read.headers['authorization'] === `Bearer ${t.accessToken}`)!
      expect(token.expiresAt).toBeGreaterThan(read.time)
    }
    expect(scenario.leaks(result)).toEqual([])
  })
})

describe('a cancelled workflow run leaves no job behind', () => {
  it('SIGINT while waiting cancels the Azure job once; the post step then does nothing', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const running = scenario.start()
    await running.waitForOutput(/^Waiting for batchjob-/)
    await until(() => fake.requestsTo('armGetJob').length >= 1, 'the first status read')
    running.child.kill('SIGINT')
    const result = await running.result

    expect(result.exitCode).toBe(1)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(fake.requestsTo('armCancelJob')[0]!.path).toContain(
      `/jobs/${fake.jobs[0]!.name}/cancel?api-version=2025-12-01`
    )
    expect(errorMessage(result)).toContain('The workflow run was cancelled while waiting')
    expect(errorMessage(result)).toContain('was cancelled.')

    const post = await scenario.run({}, { entry: 'post', workDir: result.workDir })
    expect(post.exitCode).toBe(0)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('the post step cancels the job when main was killed before it could', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const running = scenario.start()
    await running.waitForOutput(/^Waiting for batchjob-/)
    running.child.kill('SIGKILL')
    const killed = await running.result
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)

    const post = await scenario.run({}, { entry: 'post', workDir: killed.workDir })
    expect(post.exitCode).toBe(0)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(post.stdout).toContain(`asked Azure to cancel job ${fake.jobs[0]!.name}`)
    expect(scenario.leaks(post)).toEqual([])
  })

  it('with cancel-on-workflow-cancel: false the job is left running', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const running = scenario.start({ 'cancel-on-workflow-cancel': 'false' })
    await running.waitForOutput(/^Waiting for batchjob-/)
    running.child.kill('SIGINT')
    const result = await running.result
    const post = await scenario.run(
      { 'cancel-on-workflow-cancel': 'false' },
      { entry: 'post', workDir: result.workDir }
    )
    expect(post.exitCode).toBe(0)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
    expect(errorMessage(result)).toContain('left running, as cancel-on-workflow-cancel is false')
  })
})
