import { buildSubmission } from '../../src/job/job-request.js'
import { readSettings } from '../../src/settings.js'
import { testRunner } from '../../test/unit/runner.js'

const inputs: Record<string, string> = {
  'tenant-id': 'contoso.onmicrosoft.com',
  'client-id': '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
  'client-secret': 'x',
  'endpoint-uri': 'https://heart-ep.westus2.inference.ml.azure.com/jobs',
  'input-uri': 'azureml://datastores/workspaceblobstore/paths/heart/data.csv',
  'input-type': 'uri_file',
  'input-name': 'heart_data'
}

describe('buildSubmission', () => {
  it('sends the whole job definition with provenance tags under the user tags, and the submission tag over both', () => {
    const settings = readSettings(
      name =>
        ({
          ...inputs,
          'input-uri': '',
          inputs: 'heart: azureml://datastores/ws/paths/heart/\nthreshold: { value: 0.5 }',
          'output-uri': 'azureml://datastores/workspaceblobstore/paths/out/',
          'output-name': 'predictions',
          'output-file-name': 'scores.csv',
          'mini-batch-size': '10',
          'instance-count': '2',
          'error-threshold': '-1',
          'max-retries': '3',
          'retry-timeout': '2m',
          'logging-level': 'warning',
          'experiment-name': 'heart',
          'job-name': 'nightly',
          tags: 'team: ml\ngithub.workflow: overridden\ngithub.repeatability_request_id: mine'
        })[name] ?? '',
      testRunner()
    )
    const body = JSON.parse(buildSubmission(settings, 'id', { 'github.workflow': 'score', 'github.run_id': '7' }).body)
    expect(body).toEqual({
      properties: {
        InputData: {
          heart: { JobInputType: 'UriFolder', Uri: 'azureml://datastores/ws/paths/heart/' },
          threshold: { JobInputType: 'Literal', Value: '0.5' }
        },
        OutputData: {
          predictions: { JobOutputType: 'UriFolder', Uri: 'azureml://datastores/workspaceblobstore/paths/out/' }
        },
        outputFileName: 'scores.csv',
        miniBatchSize: 10,
        compute: { instanceCount: 2 },
        errorThreshold: -1,
        retrySettings: { maxRetries: 3, timeout: 'PT120S' },
        loggingLevel: 'Warning',
        name: 'nightly',
        properties: { experimentName: 'heart' },
        tags: {
          'github.workflow': 'overridden',
          'github.run_id': '7',
          team: 'ml',
          'github.repeatability_request_id': 'id'
        }
      }
    })
  })

  it('builds the documented invoke request', () => {
    const submission = buildSubmission(
      readSettings(name => inputs[name] ?? '', testRunner()),
      '5b1f6a56-8c1d-4a8e-9f63-0d1f2e3a4b5c'
    )
    expect(submission.scoringUri).toBe('https://heart-ep.westus2.inference.ml.azure.com/jobs')
    expect(submission.headers).toEqual({
      'content-type': 'application/json',
      'repeatability_request-id': '5b1f6a56-8c1d-4a8e-9f63-0d1f2e3a4b5c'
    })
    expect(JSON.parse(submission.body)).toEqual({
      properties: {
        InputData: {
          heart_data: { JobInputType: 'UriFile', Uri: 'azureml://datastores/workspaceblobstore/paths/heart/data.csv' }
        },
        tags: { 'github.repeatability_request_id': '5b1f6a56-8c1d-4a8e-9f63-0d1f2e3a4b5c' }
      }
    })
  })

  it('targets a named deployment with the azureml-model-deployment header', () => {
    const settings = readSettings(
      name => ({ ...inputs, 'deployment-name': 'classifier-xgb' })[name] ?? '',
      testRunner()
    )
    expect(buildSubmission(settings, 'id').headers['azureml-model-deployment']).toBe('classifier-xgb')
  })
})
