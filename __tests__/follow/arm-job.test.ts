import type { AzureResponse, SendAzureRequest } from '../../src/azure/azure-pipeline.js'
import { readJobStatus } from '../../src/follow/arm-job.js'

const jobUrl =
  'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/jobs/batchjob-1'

function answering(status: number, bodyText: string): SendAzureRequest {
  return async (): Promise<AzureResponse> => ({ status, headers: {}, bodyText, attempts: 1 })
}

describe('readJobStatus', () => {
  it('reads the status and the Studio link of a job', async () => {
    const body = JSON.stringify({ properties: { status: 'Running', services: { Studio: { endpoint: 'https://x' } } } })
    expect(await readJobStatus(answering(200, body), jobUrl)).toEqual({ status: 'Running', studioUrl: 'https://x' })
  })

  it.each([
    ['an HTML page', '<html><body>Bad Gateway</body></html>'],
    ['an empty body', ''],
    ['null', 'null'],
    ['a job without a status', '{"properties":{}}']
  ])('a 200 with %s is a failed read to wait through, not a failure', async (_, body) => {
    const read = await readJobStatus(answering(200, body), jobUrl)
    expect(read).toMatchObject({ permanent: false })
    expect('error' in read && read.error).toContain('HTTP 200 without a job status')
  })

  it('a 401 or a 403 may be cured by a fresh token; a bad request is final', async () => {
    const refusal = '{"error":{"code":"AuthenticationFailed","message":"no"}}'
    expect(await readJobStatus(answering(401, refusal), jobUrl)).toMatchObject({ permanent: false, unauthorized: true })
    expect(await readJobStatus(answering(403, refusal), jobUrl)).toMatchObject({ permanent: false, unauthorized: true })
    expect(await readJobStatus(answering(400, refusal), jobUrl)).toMatchObject({ permanent: true })
  })
})
