// The log reads in the order things happened: what failed is the last thing said, and adjustments are named.
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'

let scenario: Scenario
afterEach(async () => scenario?.fake.close())

const postLine = /^POST https:\/\/\S+\/jobs \(repeatability_request-id [0-9a-f-]{36}\)$/

function logLines(stdout: string): string[] {
  return stdout.split('\n').filter(line => line !== '' && !line.startsWith('::debug::'))
}

describe('the order of the log', () => {
  it('a failed sign-in is reported without a POST line before it: nothing was sent', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'client-secret': 'the-secret-id-not-its-value' })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('AADSTS7000215')
    const lines = logLines(result.stdout)
    expect(lines.filter(line => line.startsWith('POST '))).toEqual([])
    expect(lines.findIndex(line => line.startsWith('Signing in as'))).toBeLessThan(
      lines.findIndex(line => line.startsWith('::error::'))
    )
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })

  it('a submission shows its POST line once, after signing in, even when the endpoint asked for a retry', async () => {
    scenario = await startScenario()
    scenario.fake.fail('submit', {
      status: 503,
      headers: { 'retry-after': '1' },
      body: '{"error":{"code":"ServiceUnavailable","message":"Busy"}}'
    })
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(scenario.fake.requestsTo('submit')).toHaveLength(2)
    const lines = logLines(result.stdout)
    const posts = lines.flatMap((line, index) => (postLine.test(line) ? [index] : []))
    expect(posts).toHaveLength(1)
    expect(lines.findIndex(line => line.startsWith('Signing in as'))).toBeLessThan(posts[0]!)
    expect(posts[0]!).toBeLessThan(lines.findIndex(line => line.startsWith('Submission failed (HTTP 503')))
  })
})

describe('an endpoint URI without /jobs', () => {
  it('is scored at .../jobs, and one notice says so', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'endpoint-uri': scenario.fake.url })
    expect(result.exitCode).toBe(0)
    const notices = result.stdout.split('\n').filter(line => line.startsWith('::notice::'))
    expect(notices).toEqual([
      `::notice::Input 'endpoint-uri' does not end in /jobs; scoring at ${scenario.fake.url}/jobs, the endpoint's ` +
        'scoring URI.'
    ])
    expect(scenario.fake.requestsTo('submit')).toHaveLength(1)
  })

  it('gives no notice when the URI ends in /jobs', async () => {
    scenario = await startScenario()
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(result.stdout).not.toContain('::notice::')
  })
})
