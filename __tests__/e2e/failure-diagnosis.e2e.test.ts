// Why a job failed, end to end: dist/index.js asks run history (on the workspace's regional API host, reached
// through the test proxy) for the job's and its scoring step's errors and the end of the step's logs, which are
// pre-signed URLs into Azurite.
import { cancelLikeTheRunner, until } from '../../test/e2e/runner-cancel.js'
import { errorMessage } from '../../test/e2e/scenario.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import type { FakeAzureOptions } from '../../test/fake-azure/server.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

const stepMessage = 'User program failed with Exception: Run failed. Please check logs for details.'
const jobMessage =
  "Execution failed. User process '/azureml-envs/azureml_1/bin/python' exited with status code 42. " +
  "Please check log file 'user_logs/std_log_0.txt'"
const progress = Array.from({ length: 60 }, (_, i) => `2026-11-28 08:30:${String(i).padStart(2, '0')} progress ${i}`)
const userError = [
  'Traceback (most recent call last):',
  '  File "score.py", line 31, in run',
  "ValueError: could not convert string to float: 'n/a' | <b>bold</b>",
  '::error::injected'
]

async function failing(options: FakeAzureOptions = {}) {
  scenario = await startStorageScenario({ jobStatuses: ['Preparing', 'Running', 'Failed'], ...options })
  scenario.fake.runHistory.failure = {
    jobError: { code: 'UserError', message: jobMessage },
    stepError: { code: 'UserError', message: stepMessage },
    logs: {
      'logs/job_progress_overview.20261128083000.txt': `${progress.join('\n')}\n`,
      'logs/user/error.txt': `${userError.join('\n')}\n`,
      'logs/sys/master_role.txt': 'master role started\n'
    }
  }
  return {
    inputs: {
      wait: 'true',
      'poll-interval': '1s',
      'resource-manager-endpoint': scenario.fake.url,
      // The diagnosis alone asks run history here; progress.e2e shows the two together.
      'show-progress': 'false'
    }
  }
}

function logReads() {
  return scenario.blobFrontEnd.requests.filter(r => r.path.startsWith('/azureml/ExperimentRun/'))
}

describe('a failed job', () => {
  it('is explained from run history: the reason first, the errors and the end of the logs', async () => {
    const { inputs } = await failing()
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result).split('\n')[0]).toBe(`UserError: ${stepMessage}`)
    expect(errorMessage(result)).toMatch(/Job batchjob-\S+ ended Failed after/)
    expect(result.outputs['error-message']).toBe(`UserError: ${stepMessage}`)
    const group = result.stdout.slice(result.stdout.indexOf('::group::Why the job failed'))
    expect(group).toContain(`job error UserError: ${jobMessage}`)
    expect(group).toContain('Last 50 lines of logs/job_progress_overview.20261128083000.txt:')
    expect(group).toContain('progress 59')
    expect(group).not.toContain('progress 9\n')
    expect(group).toContain('Last 4 lines of logs/user/error.txt:')
    // Service text never becomes a workflow command.
    expect(result.stdout).toContain('injected')
    expect(result.stdout).not.toMatch(/^\s*::error::injected/m)
    expect(result.summary).toContain('#### Why the job failed')
    expect(result.summary).toContain('&lt;b&gt;bold&lt;/b&gt;')
    expect(result.summary).not.toContain('<b>')
    // The two logs the diagnosis needs, fetched with their signature and no Authorization header.
    expect(
      logReads()
        .map(r => r.path.split('?')[0]!.split('/').slice(4).join('/'))
        .sort()
    ).toEqual(['logs/job_progress_overview.20261128083000.txt', 'logs/user/error.txt'])
    // Each log is short: one ranged read of its beginning holds all of it.
    expect(logReads().every(r => r.auth === 'SAS' && r.status === 206)).toBe(true)
    expect(scenario.fake.requestsTo('runDetails').every(r => r.headers['authorization']?.startsWith('Bearer '))).toBe(
      true
    )
    expect(scenario.leaks(result)).toEqual([])
  })

  it('shows the end of a log far longer than an answer is read', async () => {
    const { inputs } = await failing()
    // 3 MiB of progress, then the lines that explain the failure.
    const filler = `${'progress of a long job '.repeat(40)}\n`.repeat(Math.ceil((3 * 1024 * 1024) / 921))
    scenario.fake.runHistory.failure!.logs!['logs/job_progress_overview.20261128083000.txt'] =
      `${filler}${progress.join('\n')}\n`
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    const group = result.stdout.slice(result.stdout.indexOf('::group::Why the job failed'))
    expect(group).toContain('Last 50 lines of logs/job_progress_overview.20261128083000.txt:')
    expect(group).toContain('progress 59')
    expect(group).not.toContain('answer cut at')
    // The beginning, which tells the length, then the end.
    const reads = logReads().filter(r => r.path.includes('job_progress_overview'))
    expect(reads.map(r => r.status)).toEqual([206, 206])
  })

  it('leaks neither a token nor a log signature with step debug logging on', async () => {
    const { inputs } = await failing()
    const result = await scenario.run(inputs, { env: { RUNNER_DEBUG: '1' } })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^::debug::/m)
    const signatures = scenario.outputs.logUrls.map(url => new URL(url).searchParams.get('sig') ?? '')
    expect(signatures.length).toBeGreaterThan(0)
    expect(scenario.leaks(result)).toEqual([])
    for (const signature of signatures) expect(result.stdout).not.toContain(signature)
  })

  it('still fails cleanly, with one notice, when run history cannot be reached', async () => {
    // The proxy tunnels only the hosts it knows: this region's API host is unreachable.
    const { inputs } = await failing({ discoveryUrl: 'https://westus.api.azureml.ms/discovery' })
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(
      /^Job batchjob-\S+ ended Failed after .*Its logs: https:\/\/ml\.azure\.com\/runs\//
    )
    const notices = result.stdout.split('\n').filter(line => line.startsWith('::notice::'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(
      /^::notice::Could not read why the job failed \(.+\)\. Its logs: https:\/\/ml\.azure\.com/
    )
    expect(result.outputs['error-message']).toBeUndefined()
    expect(scenario.proxy.connects).toContain('westus.api.azureml.ms:443')
  })

  it('gives up on run history that does not answer, within its budget, with one notice', async () => {
    const { inputs } = await failing()
    scenario.fake.fail('runDetails', ...Array.from({ length: 6 }, () => ({ delayMs: 120_000 })))
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^Job batchjob-\S+ ended Failed after/)
    const notices = result.stdout.split('\n').filter(line => line.startsWith('::notice::'))
    expect(notices).toEqual([expect.stringMatching(/^::notice::Could not read why the job failed \(.*\)\. Its logs: /)])
  }, 90_000)

  it('finds the scoring step among 20,000 children, reading them a page at a time', async () => {
    const { inputs } = await failing()
    scenario.fake.runHistory.failure.otherChildren = 20_000
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(result.outputs['error-message']).toBe(`UserError: ${stepMessage}`)
    expect(result.stdout).not.toContain('::notice::')
    expect(scenario.fake.requestsTo('runChildren').map(r => new URL(r.path, 'https://x').search)).toEqual(['?$top=100'])
  })

  it("keeps the job's own reason when the scoring step is not among the first pages of children", async () => {
    const { inputs } = await failing()
    Object.assign(scenario.fake.runHistory.failure, { otherChildren: 20_000, stepIndex: 20_000 })
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(result.outputs['error-message']).toBe(`UserError: ${jobMessage}`)
    expect(result.stdout).toContain(
      "::notice::Could not read all of why the job failed (the job's steps: no batchscoring step among the first 1000)."
    )
    expect(scenario.fake.requestsTo('runChildren')).toHaveLength(10)
  })

  it('ends at the first signal when the run is cancelled while asking run history', async () => {
    const { inputs } = await failing()
    scenario.fake.fail('runDetails', { hang: true })
    const running = scenario.start(inputs)
    await until(() => scenario.fake.requestsTo('runDetails').length > 0, 'the first run history read')
    const result = await cancelLikeTheRunner(running)
    expect(result.signalsSent).toEqual(['SIGINT'])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('::notice::Could not read why the job failed (the workflow run was cancelled).')
    expect(errorMessage(result)).toMatch(/^Job batchjob-\S+ ended Failed after/)
  })

  it('sends no token to a discoveryUrl that is not an Azure ML host', async () => {
    const { inputs } = await failing({ discoveryUrl: 'https://collector.example.com/discovery' })
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("::notice::Could not read why the job failed (the workspace's discoveryUrl")
    expect(scenario.proxy.connects.some(host => host.startsWith('collector.example.com'))).toBe(false)
    expect(scenario.fake.requestsTo('discovery')).toHaveLength(0)
  })

  it('reads run history only for a job that failed', async () => {
    const { inputs } = await failing({ jobStatuses: ['Preparing', 'Canceled'] })
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(1)
    expect(scenario.fake.requestsTo('armGetWorkspace')).toHaveLength(0)
    expect(scenario.fake.requestsTo('runDetails')).toHaveLength(0)
  })
})
