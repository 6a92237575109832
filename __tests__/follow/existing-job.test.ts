// job-id: Resource Manager's answer for a job submitted earlier, reduced to what following it needs.
import { parseExistingJob } from '../../src/follow/existing-job.js'

const workspace = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'

describe('parseExistingJob', () => {
  it('reads the status, the Studio link, the creation time and the outputs by name', () => {
    const body = JSON.stringify({
      id: `${workspace}/jobs/batchjob-1`,
      name: 'batchjob-1',
      properties: {
        status: 'Running',
        services: { Studio: { endpoint: 'https://ml.azure.com/runs/batchjob-1' } },
        outputs: {
          score: {
            uri: 'azureml://datastores/workspaceblobstore/paths/out/predictions.csv',
            jobOutputType: 'uri_file'
          },
          logs: { uri: 'azureml://datastores/workspaceblobstore/paths/out/logs/', jobOutputType: 'uri_folder' },
          empty: { uri: null, jobOutputType: 'uri_folder' }
        }
      },
      systemData: { createdAt: '2026-11-28T08:30:00.000Z' }
    })
    expect(parseExistingJob(body, 'batchjob-1', workspace)).toEqual({
      job: {
        name: 'batchjob-1',
        id: `${workspace}/jobs/batchjob-1`,
        status: 'Running',
        studioUrl: 'https://ml.azure.com/runs/batchjob-1',
        deployment: undefined
      },
      createdAt: Date.parse('2026-11-28T08:30:00.000Z'),
      outputs: {
        score: {
          name: 'score',
          type: 'UriFile',
          uri: 'azureml://datastores/workspaceblobstore/paths/out/predictions.csv'
        },
        logs: { name: 'logs', type: 'UriFolder', uri: 'azureml://datastores/workspaceblobstore/paths/out/logs/' }
      }
    })
  })

  it('follows the job under the name and workspace the inputs gave, whatever the answer names', () => {
    const body = JSON.stringify({ id: '/subscriptions/other/jobs/x', name: 'x', properties: { status: 'Queued' } })
    const { job, createdAt, outputs } = parseExistingJob(body, 'batchjob-1', workspace)
    expect(job.id).toBe(`${workspace}/jobs/batchjob-1`)
    expect(job.name).toBe('batchjob-1')
    expect(createdAt).toBeUndefined()
    expect(outputs).toEqual({})
  })

  it.each(['', 'null', '{"properties":{}}', '<html>::error::x</html>'])('refuses %j, which is no job', body => {
    expect(() => parseExistingJob(body, 'batchjob-1', workspace)).toThrow(/with no job/)
  })
})
