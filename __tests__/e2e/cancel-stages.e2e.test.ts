// A workflow run cancelled at any stage, end to end: dist/index.js gets the runner's signals (SIGINT, then SIGTERM
// 7.5 s later, then SIGKILL 2.5 s after that), then the post step runs on the same state, as the runner runs it. At
// the end the endpoint holds at most one job, and none is left running.
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ActionResult } from '../../test/e2e/run-action.js'
import { cancelLikeTheRunner, until } from '../../test/e2e/runner-cancel.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'
import { startStorageScenario } from '../../test/e2e/storage-scenario.js'
import type { FakeAzure } from '../../test/fake-azure/server.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'

let scenario: Scenario & { close?(): Promise<void> }
afterEach(async () => (scenario?.close ? scenario.close() : scenario?.fake.close()))

async function scoring(options: Parameters<typeof startScenario>[0] = {}): Promise<Scenario> {
  scenario = await startScenario(options)
  scenario.inputs['resource-manager-endpoint'] = scenario.fake.url
  return scenario
}

/** The post step, as the runner runs it after a cancelled run: same inputs, the state main left. */
function runPost(main: ActionResult, inputs: Record<string, string | undefined> = {}): Promise<ActionResult> {
  return scenario.run(inputs, { entry: 'post', workDir: main.workDir })
}

/** Rewrites one value of the state main left, as anything else in the job could between main and post. */
function tamperState(main: ActionResult, name: string, value: string): void {
  appendFileSync(join(main.workDir, 'state'), `${name}<<tampered_delimiter\n${value}\ntampered_delimiter\n`)
}

/** At most one job, and every job the run created was cancelled exactly once. */
function expectNoJobLeft(fake: FakeAzure): void {
  expect(fake.jobs.length).toBeLessThanOrEqual(1)
  for (const job of fake.jobs) expect(job.cancelRequests).toBe(1)
  expect(fake.requestsTo('armCancelJob')).toHaveLength(fake.jobs.length)
}

/** Every POST of the run carried one repeatability id: a replay never starts a second job. */
function expectOneRepeatabilityId(fake: FakeAzure): void {
  const ids = new Set(fake.requestsTo('submit').map(r => r.headers['repeatability_request-id']))
  expect(ids.size).toBe(1)
}

describe('a workflow run cancelled before anything was submitted', () => {
  it('as the step began, before main saved anything: post knows itself from its entry and submits nothing', async () => {
    const { fake } = await scoring()
    // Main was stopped while Node was still starting: the runner hands post an empty state.
    const workDir = mkdtempSync(join(tmpdir(), 'action-run-'))
    const post = await scenario.run({ wait: 'true' }, { entry: 'post', workDir })

    expect(post.exitCode).toBe(0)
    expect(fake.requests).toEqual([])
    expect(fake.connections).toBe(0)
    expect(fake.jobs).toEqual([])
    expect(post.outputs).toEqual({})
  })

  it('during sign-in: the step ends on SIGINT, submits nothing, and post has nothing to do', async () => {
    const { fake } = await scoring()
    // Entra is slow to answer: the token the POST waits for is not there yet.
    fake.fail('token', { delayMs: 30_000 })
    const running = scenario.start({ wait: 'true' })
    await until(() => fake.requestsTo('token').length >= 1, 'the token request')
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(main.exitCode).toBe(1)
    expect(errorMessage(main)).toBe(
      'The workflow run was cancelled before the job was submitted; nothing was submitted.'
    )
    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    expect(fake.requestsTo('submit')).toHaveLength(0)
    expect(fake.jobs).toHaveLength(0)
    expect(scenario.leaks(main)).toEqual([])
  })

  it('during the upload: the step ends on SIGINT and submits nothing', async () => {
    scenario = await startStorageScenario()
    const { fake } = scenario
    const ws = fake.batchEndpoint.workspace
    const checkout = mkdtempSync(join(tmpdir(), 'checkout-'))
    mkdirSync(join(checkout, 'data'))
    writeFileSync(join(checkout, 'data', 'a.csv'), 'age,chol\n63,233\n')
    // Resource Manager is slow to describe the datastore the files go to.
    fake.fail('armGetDatastore', { delayMs: 30_000 })
    const inputs = {
      'input-uri': undefined,
      'input-path': 'data',
      workspace: workspaceArmId(ws),
      'resource-manager-endpoint': fake.url,
      'github-token': fake.githubApi.token
    }
    const running = scenario.start(inputs, { env: { GITHUB_WORKSPACE: checkout } })
    await until(() => fake.requestsTo('armGetDatastore').length >= 1, 'the datastore lookup')
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(main.exitCode).toBe(1)
    expect(errorMessage(main)).toBe(
      'The workflow run was cancelled before the job was submitted; nothing was submitted.'
    )
    const post = await runPost(main, inputs)
    expect(post.exitCode).toBe(0)
    expect(fake.requestsTo('submit')).toHaveLength(0)
    expect(fake.jobs).toHaveLength(0)
  })
})

describe('a workflow run cancelled while the job is being submitted', () => {
  it('during a slow POST (wait: false): the job the POST creates is found and cancelled', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    const slowMs = 3_000
    fake.fail('submit', { delayMs: slowMs })
    const running = scenario.start()
    await until(() => fake.requestsTo('submit').length >= 1, 'the POST')
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(main.exitCode).toBe(1)
    expect(errorMessage(main)).toMatch(/^The workflow run was cancelled: asked Azure to cancel job batchjob-/)
    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    // The slow POST is answered only now, with the job its replay already named.
    await sleep(slowMs)
    expectNoJobLeft(fake)
    expect(fake.jobs).toHaveLength(1)
    expectOneRepeatabilityId(fake)
    expect(scenario.leaks(main)).toEqual([])
  })

  it('between submission retries: retries stop, and the job the first attempt created is cancelled', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    // The endpoint takes the job, but a gateway answers 503 and asks for a pause before the next attempt.
    fake.fail('submit', {
      status: 503,
      afterCreate: true,
      headers: { 'retry-after': '20' },
      body: '{"error":{"code":"ServiceUnavailable","message":"busy"}}'
    })
    const running = scenario.start({ wait: 'true', 'poll-interval': '1s' })
    await running.waitForOutput(/^Submission failed \(HTTP 503\); trying again in 20\.0 s/)
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(main.exitCode).toBe(1)
    // The one request after the cancel is the replay that names the job; it is not another retry of the submission.
    expect(fake.requestsTo('submit')).toHaveLength(2)
    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    expect(fake.jobs).toHaveLength(1)
    expectNoJobLeft(fake)
    expectOneRepeatabilityId(fake)
  })

  it('during a Retry-After pause after a refusal (429): no further POST, no job, and post sends nothing', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    fake.fail('submit', {
      status: 429,
      headers: { 'retry-after': '20' },
      body: '{"error":{"code":"TooManyRequests","message":"slow down"}}'
    })
    const running = scenario.start({ wait: 'true', 'poll-interval': '1s' })
    await running.waitForOutput(/^Submission failed \(HTTP 429\); trying again in 20\.0 s/)
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(errorMessage(main)).toBe(
      'The workflow run was cancelled: the endpoint refused every attempt of the submission before creating a job, ' +
        'so there is none.'
    )
    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    expect(fake.requestsTo('submit')).toHaveLength(1)
    expect(fake.jobs).toHaveLength(0)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
  })

  it('main killed mid-POST: post replays the submission and cancels the job it names', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    const slowMs = 3_000
    fake.fail('submit', { delayMs: slowMs })
    const running = scenario.start({ wait: 'true' })
    await until(() => fake.requestsTo('submit').length >= 1, 'the POST')
    running.child.kill('SIGKILL')
    const main = await running.result
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)

    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toMatch(/^The workflow run was cancelled: asked Azure to cancel job batchjob-/m)
    await sleep(slowMs)
    expect(fake.jobs).toHaveLength(1)
    expectNoJobLeft(fake)
    expectOneRepeatabilityId(fake)
    expect(scenario.leaks(post)).toEqual([])
  })

  it('main killed mid-POST, with the workspace given: post finds the job through Resource Manager once it is listed', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    const inputs = { wait: 'true', workspace: workspaceArmId(fake.batchEndpoint.workspace) }
    // The endpoint creates the job only after 3 s: post's first lookup finds nothing, a later one finds it.
    fake.fail('submit', { delayMs: 3_000 })
    const running = scenario.start(inputs)
    await until(() => fake.requestsTo('submit').length >= 1, 'the POST')
    running.child.kill('SIGKILL')
    const main = await running.result

    const post = await runPost(main, inputs)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toMatch(/^The workflow run was cancelled: asked Azure to cancel job batchjob-/m)
    expect(fake.requestsTo('armListJobs').length).toBeGreaterThanOrEqual(2)
    // Found without sending the submission again.
    expect(fake.requestsTo('submit')).toHaveLength(1)
    expect(fake.jobs).toHaveLength(1)
    expectNoJobLeft(fake)
    expect(scenario.leaks(post)).toEqual([])
  })

  it('while main looks for the job of an unanswered submission: it stops at once, and post finishes the search', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    const inputs = { workspace: workspaceArmId(fake.batchEndpoint.workspace) }
    const busy = { status: 503, headers: { 'retry-after': '0' }, body: '{"error":{"code":"Busy","message":"later"}}' }
    fake.fail('submit', busy, busy, busy, busy, busy)
    const running = scenario.start(inputs)
    await until(() => fake.requestsTo('armListJobs').length >= 1, 'the first lookup')
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(errorMessage(main)).toMatch(
      /\nThe workflow run was cancelled while the action looked for the job the endpoint may have taken; the post step finishes that\.$/
    )
    expect(fake.requestsTo('armListJobs')).toHaveLength(1)
    const post = await runPost(main, inputs)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toMatch(
      /^The workflow run was cancelled: no job was started: listed 3 times over 20 s, the workspace has no job of this submission\.$/m
    )
    expect(fake.requestsTo('submit')).toHaveLength(5)
    expect(fake.jobs).toHaveLength(0)
  })

  it('with cancel-on-workflow-cancel: false, a job the POST creates is left running', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    fake.fail('submit', { delayMs: 2_000 })
    const inputs = { 'cancel-on-workflow-cancel': 'false' }
    const running = scenario.start(inputs)
    await until(() => fake.requestsTo('submit').length >= 1, 'the POST')
    const main = await cancelLikeTheRunner(running)
    const post = await runPost(main, inputs)
    expect(post.exitCode).toBe(0)
    expect(errorMessage(main)).toContain('left running, as cancel-on-workflow-cancel is false')
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
    expect(fake.requestsTo('submit')).toHaveLength(1)
  })
})

describe('a workflow run cancelled while the job is waited on', () => {
  it('a status read that hangs does not hold the step: the job is cancelled and post does nothing more', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    const running = scenario.start({ wait: 'true', 'poll-interval': '1s' })
    await until(() => fake.requestsTo('armGetJob').length >= 1, 'the first status read')
    fake.fail('armGetJob', { delayMs: 30_000 })
    await until(() => fake.requestsTo('armGetJob').length >= 2, 'the hanging status read')
    const main = await cancelLikeTheRunner(running)

    expect(main.signalsSent).toEqual(['SIGINT'])
    expect(errorMessage(main)).toContain('The workflow run was cancelled while waiting')
    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    expect(fake.jobs).toHaveLength(1)
    expectNoJobLeft(fake)
  })
})

describe('post acts only on state that matches its inputs', () => {
  it('a saved submission sent elsewhere: post warns, names it, and sends no token anywhere', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    fake.fail('submit', { delayMs: 3_000 })
    const running = scenario.start({ wait: 'true' })
    await until(() => fake.requestsTo('submit').length >= 1, 'the POST')
    running.child.kill('SIGKILL')
    const main = await running.result
    const submission = JSON.parse(main.state['submission']!) as { scoringUri: string }
    const elsewhere = `${fake.url}/elsewhere/jobs`
    tamperState(main, 'submission', JSON.stringify({ ...submission, scoringUri: elsewhere }))
    const seen = fake.requests.length

    const post = await runPost(main)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(
      '::warning::Could not cancel the Azure job: the state saved for this step does not match its inputs: the saved ' +
        `submission's scoring URI '${elsewhere}' is not 'endpoint-uri' (${fake.scoringUri}). Nothing was sent`
    )
    expect(fake.requests.slice(seen).filter(r => r.headers['authorization'])).toEqual([])
  })

  it('a saved job in another workspace than the input names: post cancels nothing', async () => {
    const { fake } = await scoring({ jobStatuses: ['Running'] })
    const ws = fake.batchEndpoint.workspace
    const inputs = { wait: 'true', 'poll-interval': '1s', workspace: workspaceArmId(ws) }
    const running = scenario.start(inputs)
    await until(() => fake.requestsTo('armGetJob').length >= 1, 'the first status read')
    running.child.kill('SIGKILL')
    const main = await running.result
    const other = workspaceArmId({ ...ws, subscriptionId: '00000000-0000-4000-8000-000000000000' })
    tamperState(main, 'jobId', `${other}/jobs/${main.state['jobName']}`)
    const seen = fake.requests.length

    const post = await runPost(main, inputs)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toMatch(
      /^::warning::Could not cancel the Azure job: .* is in workspace '\/subscriptions\/0{8}-/m
    )
    expect(fake.requests.slice(seen).filter(r => r.headers['authorization'])).toEqual([])
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
  })
})
