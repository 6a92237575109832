// Post hands tokens on the word of the state main saved: only state its own inputs could have produced is acted on.
import { stateMismatch } from '../../src/follow/leftover-job.js'
import type { LeftoverJob } from '../../src/follow/state.js'
import { settingsFrom } from '../../test/unit/settings-inputs.js'

const scoringUri = 'https://score-batch.westus2.inference.ml.azure.com/jobs'
const workspace = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
const jobName = 'batchjob-1b2c'
const settings = settingsFrom({ 'endpoint-uri': scoringUri, workspace })
const submission = {
  scoringUri,
  headers: { 'content-type': 'application/json', 'repeatability_request-id': '0eb58914-1d7b-417f-b57e-6684e46d60de' },
  body: '{}'
}
const left = (more: Partial<LeftoverJob>): LeftoverJob => ({
  submission: undefined,
  refused: false,
  job: undefined,
  ended: false,
  cancel: undefined,
  ...more
})

describe('stateMismatch', () => {
  it('accepts what main saves', () => {
    const job = { name: jobName, id: `${workspace}/batchEndpoints/ep/deployments/blue/jobs/${jobName}` }
    expect(stateMismatch(left({ submission, job }), settings)).toBeUndefined()
  })

  it.each([
    ['another scoring URI', { ...submission, scoringUri: 'https://attacker.example/jobs' }, /scoring URI/],
    ['an added header', { ...submission, headers: { ...submission.headers, authorization: 'x' } }, /'authorization'/],
    [
      'another deployment',
      { ...submission, headers: { ...submission.headers, 'azureml-model-deployment': 'red' } },
      /deployment-name/
    ]
  ])('refuses a submission with %s', (_, changed, said) => {
    expect(stateMismatch(left({ submission: changed }), settings)).toMatch(said)
  })

  it.each([
    ['a job id that names another job', `${workspace}/jobs/batchjob-other`],
    ['a job id with more path', `${workspace}/jobs/${jobName}/cancel`],
    ['a job id in another workspace', `${workspace}x/jobs/${jobName}`]
  ])('refuses %s', (_, id) => {
    expect(stateMismatch(left({ job: { name: jobName, id } }), settings)).toBeDefined()
  })
})

describe('stateMismatch with endpoint-name or job-id', () => {
  const byName = settingsFrom({ 'endpoint-uri': '', 'endpoint-name': 'score-batch', workspace })

  it("takes a saved scoring URI on the cloud's batch inference domain, as the endpoint named it", () => {
    expect(stateMismatch(left({ submission }), byName)).toBeUndefined()
  })

  it.each(['https://attacker.example/jobs', 'https://score-batch.westus2.inference.ml.azure.com:8443/jobs'])(
    'refuses the saved scoring URI %s',
    uri => {
      expect(stateMismatch(left({ submission: { ...submission, scoringUri: uri } }), byName)).toMatch(
        /is not on inference\.ml\.azure\.com/
      )
    }
  )

  it('refuses a saved submission when job-id submits nothing, and takes the followed job', () => {
    const followed = settingsFrom({ 'endpoint-uri': '', 'input-uri': '', 'job-id': jobName, workspace })
    expect(stateMismatch(left({ submission }), followed)).toMatch(/submits nothing/)
    const job = { name: jobName, id: `${workspace}/jobs/${jobName}` }
    expect(stateMismatch(left({ job }), followed)).toBeUndefined()
  })
})
