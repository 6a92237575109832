// Odd answers from Resource Manager while the action waits, end to end: each is waited through to the job's real end,
// and service text never becomes a runner command.
import { cancelLikeTheRunner, until } from '../../test/e2e/runner-cancel.js'
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

const html = { status: 200, contentType: 'text/html', body: '<html><body>Bad Gateway</body></html>' }
const empty = { status: 200, body: '' }
const jsonNull = { status: 200, contentType: 'application/json', body: 'null' }
const unauthorized = {
  status: 401,
  headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  body: JSON.stringify({
    error: { code: 'ExpiredAuthenticationToken', message: 'The access token expiry has passed.' }
  })
}
const notFound = {
  status: 404,
  body: JSON.stringify({ error: { code: 'ResourceNotFound', message: 'The job was not found.' } })
}

describe('odd answers while waiting are waited through to the job’s end', () => {
  it.each([
    ['an HTML page', html],
    ['an empty body', empty],
    ['null', jsonNull],
    ['a single 401', unauthorized]
  ])('a 200 with %s', async (_, fault) => {
    const { fake } = await following({ jobStatuses: ['Running', 'Running', 'Completed'] })
    // The first read is answered as usual, the second with the odd answer.
    fake.fail('armGetJob', { delayMs: 0 }, fault)
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Completed')
    expect(fake.requestsTo('armGetJob')).toHaveLength(4)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(0)
  })

  it('404s for a while from a job Resource Manager has shown', async () => {
    const { fake } = await following({ jobStatuses: ['Running', 'Running', 'Completed'] })
    fake.fail('armGetJob', { delayMs: 0 }, notFound, notFound, notFound)
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Completed')
    expect(fake.requestsTo('armGetJob')).toHaveLength(6)
  })

  it('a 401 that persists after a fresh token ends the wait: the job is cancelled, status is the last seen', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    fake.fail('armGetJob', { delayMs: 0 }, unauthorized, unauthorized)
    const result = await scenario.run()
    expect(result.exitCode).toBe(1)
    expect(fake.requestsTo('armGetJob')).toHaveLength(3)
    expect(errorMessage(result)).toContain('HTTP 401 ExpiredAuthenticationToken')
    expect(errorMessage(result)).toContain('The Azure job was cancelled, as cancel-on-timeout says.')
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
    // The submission answered Preparing; Resource Manager showed Running before it refused.
    expect(result.outputs['status']).toBe('Running')
  })

  it('post cancels the job when its status answer is not JSON', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const running = scenario.start()
    await running.waitForOutput(/^Waiting for batchjob-/)
    running.child.kill('SIGKILL')
    const main = await running.result
    fake.fail('armGetJob', html)
    const post = await scenario.run({}, { entry: 'post', workDir: main.workDir })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).not.toMatch(/^::warning::/m)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
  })
})

describe('wait-timeout is kept', () => {
  it('a status read hanging at the deadline is given up, and the job cancelled', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    const running = scenario.start({ 'wait-timeout': '4s' })
    await until(() => fake.requestsTo('armGetJob').length >= 1, 'the first status read')
    // Every later read hangs for longer than the test may take.
    fake.fail('armGetJob', ...Array.from({ length: 5 }, () => ({ delayMs: 120_000 })))
    const result = await running.result
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('did not finish within wait-timeout (4s)')
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
  }, 30_000)

  it('when no status read ever answers: the read in flight at the deadline is given up there', async () => {
    const { fake } = await following({ jobStatuses: ['Running'] })
    fake.fail('armGetJob', ...Array.from({ length: 50 }, () => ({ hang: true as const })))
    const result = await scenario.run({ 'wait-timeout': '4s' })
    // The action ended by itself, not at its own bound for the read (30 s): the status is the last one seen.
    expect(result.signal).toBeNull()
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('did not finish within wait-timeout (4s)')
    expect(errorMessage(result)).toContain('was cancelled')
    expect(result.stdout).not.toMatch(/Could not read the job's status/)
    expect(result.outputs['status']).toBe('Preparing')
    const reads = fake.requestsTo('armGetJob')
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.every(r => r.closedEarly)).toBe(true)
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
  }, 30_000)
})

describe('service text is data', () => {
  it('a status with a newline and a runner command forges no command', async () => {
    const { fake } = await following({
      jobStatuses: ['Running\n::warning::forged', 'Queued ##[error]x', 'Completed']
    })
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(fake.requestsTo('armGetJob')).toHaveLength(3)
    const commands = result.stdout
      .split('\n')
      .filter(line => /^\s*::/.test(line) || line.includes('##['))
      .filter(line => !/^::(group|endgroup|add-mask|debug)::/.test(line))
    expect(commands).toEqual([])
    // The text is still shown, as data.
    expect(result.stdout).toContain('Status: Running\\n::warning::forged\n')
    expect(result.stdout).toContain('Status: Queued #\\x23[error]x\n')
  })

  it('and when the run is cancelled while waiting on such a job', async () => {
    const { fake } = await following({ jobStatuses: ['Running\n::warning::forged'] })
    const running = scenario.start()
    await until(() => fake.requestsTo('armGetJob').length >= 1, 'the first status read')
    const main = await cancelLikeTheRunner(running)
    const lines = main.stdout.split('\n').filter(line => /^\s*::warning::forged/.test(line) || line.includes('##['))
    expect(lines).toEqual([])
    expect(fake.requestsTo('armCancelJob')).toHaveLength(1)
  })
})
