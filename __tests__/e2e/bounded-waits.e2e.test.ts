// A service that stops answering ends the step, end to end: dist/index.js against a fake Azure whose services accept
// the connection and then say nothing. Each test ends only because the action gives up by itself and its process
// exits: without the bounds it would hang until the test's own timeout fails it. These wait out production limits, one
// test for each kind (the token deadline, at sign-in and for a refresh during the wait; the bound of one Azure
// request; the retry budget); the same limits are proven in-process with short injected deadlines by the unit tests
// (token-deadline and credential-deadline for every way of signing in, bounded-requests, submit, follow-bounds).
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import type { RouteName } from '../../test/fake-azure/exchange.js'
import type { Fault } from '../../test/fake-azure/faults.js'
import type { ActionResult } from '../../test/e2e/run-action.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'

const hang: Fault = { hang: true }
const hangs = (count: number): Fault[] => Array.from({ length: count }, () => hang)

// The scenarios wait on timeouts, not on the processor: they run side by side.
const open: Scenario[] = []
afterAll(async () => Promise.all(open.map(s => s.fake.close())))
async function scenarioFor(...args: Parameters<typeof startScenario>): Promise<Scenario> {
  const scenario = await startScenario(...args)
  open.push(scenario)
  return scenario
}

/** The action ended by itself: its process exited with a failure, nobody killed it. */
function expectFailedByItself(result: ActionResult): void {
  expect(result.signal).toBeNull()
  expect(result.exitCode).toBe(1)
}

/** Every request to `route` (from the `from`th) was left unanswered and given up by the action, which closed it. */
function expectAbandoned(scenario: Scenario, route: RouteName, from = 0): void {
  const requests = scenario.fake.requestsTo(route).slice(from)
  expect(requests.length).toBeGreaterThan(0)
  expect(requests.every(r => r.closedEarly)).toBe(true)
}

describe('signing in, when a service stops answering', () => {
  it.concurrent(
    "ends the step when Entra ID's token endpoint stops answering",
    async () => {
      const scenario = await scenarioFor()
      scenario.fake.fail('token', ...hangs(10))
      const result = await scenario.run()
      expectFailedByItself(result)
      expect(errorMessage(result)).toMatch(/^Entra ID's token endpoint at 127\.0\.0\.1:\d+ did not answer within 30 s/)
      expect(errorMessage(result)).toContain("Check 'authority-host'")
      expectAbandoned(scenario, 'token')
      expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
      expect(scenario.leaks(result)).toEqual([])
    },
    90_000
  )
})

describe('Azure requests, when a service stops answering', () => {
  it.concurrent(
    'ends the step when the batch endpoint stops answering',
    async () => {
      const scenario = await scenarioFor()
      scenario.fake.fail('submit', ...hangs(10))
      const result = await scenario.run()
      expectFailedByItself(result)
      expect(errorMessage(result)).toMatch(/^Could not reach the batch endpoint at 127\.0\.0\.1:\d+: No answer from/)
      expectAbandoned(scenario, 'submit')
      expect(scenario.fake.jobs).toHaveLength(0)
    },
    180_000
  )

  it.concurrent(
    'ends the wait at wait-timeout when a token refresh stops answering during it; the cancel says why it failed',
    async () => {
      const scenario = await scenarioFor({ tokenLifetimeSeconds: 2, jobStatuses: ['Running'] })
      const running = scenario.start({
        wait: 'true',
        'wait-timeout': '20s',
        'poll-interval': '1s',
        'resource-manager-endpoint': scenario.fake.url
      })
      await running.waitForOutput(/^Status: Running$/)
      const answered = scenario.fake.requestsTo('token').length
      scenario.fake.fail('token', ...hangs(20))
      const result = await running.result
      expectFailedByItself(result)
      const message = errorMessage(result)
      expect(message).toContain('did not finish within wait-timeout (20s)')
      expect(message).toMatch(
        /Cancelling the Azure job failed \(Entra ID's token endpoint at .* did not answer within 30 s/
      )
      expect(message).toContain('it may still be running')
      expectAbandoned(scenario, 'token', answered)
      expect(scenario.leaks(result)).toEqual([])
    },
    180_000
  )
})

describe('Azure requests, when a service keeps failing', () => {
  it.concurrent(
    'gives up a persistent 500 after 5 attempts, with the back-off of production, and starts no job',
    async () => {
      const scenario = await scenarioFor()
      const error = { status: 500, body: '{"error":{"code":"InternalServerError","message":"Something went wrong"}}' }
      scenario.fake.fail('submit', ...Array.from({ length: 10 }, () => error))
      const result = await scenario.run()
      expectFailedByItself(result)
      // Without 'workspace', nothing but a replay can tell whether a 500 hid a job: the 5 attempts, then the one
      // replay that settles it, all one submission.
      const submits = scenario.fake.requestsTo('submit')
      expect(submits).toHaveLength(6)
      expect(new Set(submits.map(s => s.headers['repeatability_request-id'])).size).toBe(1)
      expect(errorMessage(result)).toContain('HTTP 500 InternalServerError: Something went wrong')
      expect(errorMessage(result)).toContain('after 5 attempts')
      expect(scenario.fake.jobs).toHaveLength(0)
    },
    60_000
  )
})

describe('a submission whose outcome is unknown, with the workspace given', () => {
  it.concurrent(
    'a persistent 503 with no job behind it: Resource Manager is asked three times over 20 s, nothing is sent again',
    async () => {
      const scenario = await scenarioFor()
      const { fake } = scenario
      scenario.inputs['resource-manager-endpoint'] = fake.url
      scenario.inputs['workspace'] = workspaceArmId(fake.batchEndpoint.workspace)
      const busy = { status: 503, headers: { 'retry-after': '0' }, body: '{"error":{"code":"Busy","message":"later"}}' }
      fake.fail('submit', busy, busy, busy, busy, busy)
      const result = await scenario.run()
      expectFailedByItself(result)
      expect(errorMessage(result)).toMatch(
        /\nNo job was started: listed 3 times over 20 s, the workspace has no job of this submission\.$/
      )
      expect(fake.requestsTo('submit')).toHaveLength(5)
      const lookups = fake.requestsTo('armListJobs')
      expect(lookups).toHaveLength(3)
      expect(lookups[2]!.time - lookups[0]!.time).toBeGreaterThanOrEqual(20_000)
      expect(fake.jobs).toHaveLength(0)
      // Post finds the submission settled: it sends nothing anywhere.
      const seen = fake.requests.length
      const post = await scenario.run({}, { entry: 'post', workDir: result.workDir })
      expect(post.exitCode).toBe(0)
      expect(fake.requests.slice(seen)).toEqual([])
    },
    90_000
  )
})

describe('answers too large to keep', () => {
  it.concurrent(
    'reads an answer up to 1 MiB, shows where it was cut and closes the connection',
    async () => {
      const scenario = await scenarioFor()
      scenario.fake.fail('submit', { status: 400, bodyBytes: 50 * 1024 * 1024 })
      const result = await scenario.run()
      expectFailedByItself(result)
      const message = errorMessage(result)
      expect(message).toMatch(/^The batch endpoint did not start the job: HTTP 400: The service says a lot\./)
      expect(message).toContain('…(answer cut at 1 MiB)')
      expect(scenario.fake.requestsTo('submit')[0]!.closedEarly).toBe(true)
    },
    60_000
  )
})
