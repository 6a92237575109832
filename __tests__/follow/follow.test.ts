import type { AzureRequest, SendAzureRequest } from '../../src/azure/azure-pipeline.js'
import { followJob } from '../../src/follow/follow.js'
import type { PollClock } from '../../src/follow/poll-job.js'
import { readSettings } from '../../src/settings.js'
import { testRunner } from '../../test/unit/runner.js'

const settings = readSettings(
  name =>
    ({
      'tenant-id': 'contoso.onmicrosoft.com',
      'client-id': '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
      'client-secret': 'x',
      'endpoint-uri': 'https://heart-ep.westus2.inference.ml.azure.com/jobs',
      'input-uri': 'https://mystorage.blob.core.windows.net/data/heart-disease/',
      wait: 'true'
    })[name] ?? '',
  testRunner()
)
const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
const job = {
  name: 'batchjob-1',
  id: `${workspace}/jobs/batchjob-1`,
  status: 'Preparing',
  studioUrl: 'https://ml.azure.com/runs/batchjob-1?wsid=ws',
  deployment: undefined
}

// A clock on which every pause is over at once: the first status read ends the wait.
const clock: PollClock = { now: () => 0, sleep: async () => undefined }
const log = { info: () => undefined, warning: () => undefined, notice: () => undefined }

/**
 * Resource Manager answering every read with a Completed job that links to `studio`; run history is never asked, as
 * the job is never seen running.
 */
function armLinkingTo(studio: string) {
  const unused: SendAzureRequest = () => Promise.reject(new Error('run history is not read for a job never running'))
  const newArm = (): SendAzureRequest => async (request: AzureRequest) => {
    expect(request.method).toBe('GET')
    return {
      status: 200,
      headers: {},
      bodyText: JSON.stringify({ properties: { status: 'Completed', services: { Studio: { endpoint: studio } } } }),
      attempts: 1
    }
  }
  return { newArm, arm: unused, anonymous: unused }
}

describe('followJob', () => {
  it("takes Resource Manager's Studio link when it leads to the cloud's Studio", async () => {
    const studio = 'https://ml.azure.com/runs/batchjob-1?wsid=/subscriptions/s'
    const result = await followJob(job, 0, settings, armLinkingTo(studio), new AbortController().signal, log, clock)
    expect(result).toMatchObject({ outcome: 'finished', status: 'Completed', studioUrl: studio })
  })

  it.each(['https://evil.example/runs/batchjob-1', 'http://ml.azure.com/runs/batchjob-1', 'javascript:alert(1)'])(
    "keeps the submission's link when Resource Manager links elsewhere: %s",
    async studio => {
      const result = await followJob(job, 0, settings, armLinkingTo(studio), new AbortController().signal, log, clock)
      expect(result).toMatchObject({ outcome: 'finished', studioUrl: job.studioUrl })
    }
  )
})
