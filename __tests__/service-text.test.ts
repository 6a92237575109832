import { explainEndpointFailure } from '../src/job/endpoint-errors.js'
import { parseSubmittedJob } from '../src/job/submitted-job.js'
import { explainSignInFailure } from '../src/sign-in/sign-in-errors.js'

// Text a service answered with is data: wherever it ends up in a message, it holds nothing the runner could take
// as a command (`::name::` at the start of a line, `##[` anywhere).

function runnerCommandIn(text: string): boolean {
  return text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/).some(line => /^\s*::/.test(line) || line.includes('##['))
}

const forged = 'Preparing\n::add-mask::hunter2\n::error title=x::forged\n::stop-commands::t0k3n ##[error]forged'
const principal = { tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', clientId: '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6' }
const signIn = { kind: 'client-secret' as const, ...principal, clientSecret: 'x' }

describe('service errors', () => {
  it('the endpoint: code, message and request id', () => {
    const message = explainEndpointFailure(
      {
        status: 400,
        bodyText: JSON.stringify({ error: { code: `UserError\n::warning::x`, message: forged } }),
        headers: { 'x-ms-request-id': 'r\n::error::forged' }
      },
      { scoringUri: 'https://ep.westus2.inference.ml.azure.com/jobs', signIn, deploymentName: undefined }
    )
    expect(message).toContain('HTTP 400')
    expect(runnerCommandIn(message)).toBe(false)
  })

  it('a plain-text answer', () => {
    const message = explainEndpointFailure(
      { status: 502, bodyText: `::error::${forged}`, headers: {} },
      { scoringUri: 'https://ep.westus2.inference.ml.azure.com/jobs', signIn, deploymentName: undefined }
    )
    expect(runnerCommandIn(message)).toBe(false)
  })

  it.each([
    `ClientSecretCredential authentication failed: AADSTS50000: x ##[error]forged\r\nCorrelation ID: 1`,
    `AzureCliCredential: ERROR: ${forged}`,
    `getaddrinfo ENOTFOUND ${forged}`,
    `unexpected: ${forged}`
  ])('sign-in: %j', text => {
    const message = explainSignInFailure(text, { signIn, authorityHost: 'https://login.microsoftonline.com' })
    expect(runnerCommandIn(message)).toBe(false)
  })
})

describe('a submission answer', () => {
  const ws =
    '/subscriptions/8d4bd2f5/resourceGroups/rg-scoring/providers/Microsoft.MachineLearningServices/workspaces/mlw'
  const answer = (name: unknown, id: unknown = `${ws}/batchEndpoints/ep/deployments/blue/jobs/${String(name)}`) =>
    JSON.stringify({ name, id, properties: { status: 'Preparing' } })

  it('takes a job name and id as the service gives them', () => {
    expect(parseSubmittedJob(answer('batchjob-0e4b2c1d-aaaa-4bbb-8ccc-123456789abc'), 'blue').name).toBe(
      'batchjob-0e4b2c1d-aaaa-4bbb-8ccc-123456789abc'
    )
    expect(parseSubmittedJob(answer('run_1', `${ws}/jobs/run_1`), undefined).id).toBe(`${ws}/jobs/run_1`)
  })

  it.each([
    ['an empty name', answer('')],
    ['a name with a slash', answer('x/../../cancel')],
    ['a name with a line break', answer('batchjob-1\n::add-mask::x')],
    ['a name of 256 characters', answer('b'.repeat(256))],
    ['a name with a query', answer('batchjob-1?api-version=1')]
  ])('refuses %s', (_, body) => {
    expect(() => parseSubmittedJob(body, undefined)).toThrow('answered with a job name that is not one')
    try {
      parseSubmittedJob(body, undefined)
    } catch (error) {
      expect(runnerCommandIn((error as Error).message)).toBe(false)
    }
  })

  it.each([
    ['an id outside a workspace', answer('batchjob-1', '/subscriptions/s/jobs/batchjob-1')],
    ['an id of another job', answer('batchjob-1', `${ws}/jobs/batchjob-2`)],
    ['an id that is a URL', answer('batchjob-1', `https://evil.example${ws}/jobs/batchjob-1`)],
    ['an id with a line break', answer('batchjob-1', `${ws}/jobs/batchjob-1\n::error::forged`)],
    ['an id with a dot segment', answer('batchjob-1', `${ws}/../../jobs/batchjob-1`)],
    ['an id with a query in a name', answer('batchjob-1', `${ws.replace('rg-scoring', 'rg?x=1')}/jobs/batchjob-1`)]
  ])('refuses %s', (_, body) => {
    let message = ''
    try {
      parseSubmittedJob(body, undefined)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain('answered with a job id that does not name job batchjob-1 in a workspace')
    expect(runnerCommandIn(message)).toBe(false)
  })
})
