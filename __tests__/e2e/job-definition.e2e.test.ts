// The whole job definition, end to end: dist/index.js against the fake Azure.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { harnessProvenanceTags } from '../../test/e2e/run-action.js'
import { startScenario, type Scenario } from '../../test/e2e/scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'

let scenario: Scenario
afterEach(async () => scenario?.fake.close())

const pipelineInputs = [
  'heart_data: azureml://datastores/workspaceblobstore/paths/heart/2026-11-27/',
  'reference: { type: uri_file, uri: "https://mystorage.blob.core.windows.net/ref/reference.csv" }',
  'threshold: { value: 0.75 }'
].join('\n')

describe('the job definition', () => {
  it('sends named inputs, a literal, an output, batch settings and tags', async () => {
    // Named inputs and a folder output are a pipeline component's: a model deployment takes only a uri_file output.
    scenario = await startScenario({ pipelineDeployments: ['blue'] })
    const result = await scenario.run({
      'input-uri': undefined,
      inputs: pipelineInputs,
      'output-uri': 'azureml://datastores/workspaceblobstore/paths/predictions/',
      'output-file-name': 'heart-scores.csv',
      'mini-batch-size': '10',
      'instance-count': '3',
      'error-threshold': '-1',
      'max-retries': '2',
      'retry-timeout': '5m',
      'logging-level': 'debug',
      'experiment-name': 'heart-scoring',
      'job-name': 'scores for push 0123456',
      tags: 'team: ml-platform\ngithub.ref: overridden-by-user'
    })
    expect(result.exitCode).toBe(0)
    const body = JSON.parse(scenario.fake.requestsTo('submit')[0]!.body)
    expect(body).toEqual({
      properties: {
        InputData: {
          heart_data: {
            JobInputType: 'UriFolder',
            Uri: 'azureml://datastores/workspaceblobstore/paths/heart/2026-11-27/'
          },
          reference: { JobInputType: 'UriFile', Uri: 'https://mystorage.blob.core.windows.net/ref/reference.csv' },
          threshold: { JobInputType: 'Literal', Value: '0.75' }
        },
        OutputData: {
          score: { JobOutputType: 'UriFolder', Uri: 'azureml://datastores/workspaceblobstore/paths/predictions/' }
        },
        outputFileName: 'heart-scores.csv',
        miniBatchSize: 10,
        compute: { instanceCount: 3 },
        errorThreshold: -1,
        retrySettings: { maxRetries: 2, timeout: 'PT300S' },
        loggingLevel: 'Debug',
        name: 'scores for push 0123456',
        properties: { experimentName: 'heart-scoring' },
        tags: {
          ...harnessProvenanceTags,
          'github.ref': 'overridden-by-user',
          team: 'ml-platform',
          'github.repeatability_request_id': scenario.fake.requestsTo('submit')[0]!.headers['repeatability_request-id']
        }
      }
    })
    // The display name is not the job's id: job-id stays the response's top-level name.
    expect(result.outputs['job-id']).toBe(scenario.fake.jobs[0]!.name)
    expect(result.summary).toContain('| Input | `threshold = 0.75` |')
    expect(result.summary).toContain('| Output | `score: azureml://datastores/workspaceblobstore/paths/predictions/` |')
  })

  it('refuses inputs together with input-uri before any request', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ inputs: pipelineInputs })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("Inputs 'inputs' and 'input-uri' are both given")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('dry run', () => {
  it('validates, prints the request and sends nothing at all', async () => {
    scenario = await startScenario()
    const result = await scenario.run({
      'dry-run': 'true',
      'input-uri': undefined,
      inputs: pipelineInputs,
      'deployment-name': 'xgb-v2',
      wait: 'true'
    })
    expect(result.exitCode).toBe(0)
    expect(scenario.fake.requests).toHaveLength(0)
    expect(result.outputs).toEqual({})
    expect(result.stdout).toContain(`POST ${scenario.fake.scoringUri}`)
    expect(result.stdout).toContain('azureml-model-deployment: xgb-v2')
    expect(result.stdout).toContain('"JobInputType": "Literal"')
    expect(result.stdout).toContain('"github.run_id": "4242"')
    expect(result.summary).toContain('dry run')
    expect(result.stdout).not.toMatch(/authorization/i)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('still refuses bad input', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'dry-run': 'true', 'instance-count': 'many' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("Input 'instance-count' must be a whole number")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('data asset short names', () => {
  const dataAssets = [
    {
      name: 'heart-unlabeled',
      versions: [
        {
          version: '1',
          dataType: 'uri_folder' as const,
          dataUri: 'azureml://datastores/workspaceblobstore/paths/heart/v1/'
        },
        {
          version: '2',
          dataType: 'uri_file' as const,
          dataUri: 'azureml://datastores/workspaceblobstore/paths/heart/v2.csv'
        }
      ]
    }
  ]

  async function withAssets(): Promise<{ workspace: string }> {
    scenario = await startScenario({ dataAssets })
    const ws = scenario.fake.batchEndpoint.workspace
    const workspace = workspaceArmId(ws)
    return { workspace }
  }

  it('resolves @latest and a fixed version to the asset ARM ids before submitting', async () => {
    const { workspace } = await withAssets()
    const result = await scenario.run({
      'input-uri': undefined,
      inputs: 'newest: azureml:heart-unlabeled@latest\npinned: azureml:heart-unlabeled:1',
      workspace,
      'resource-manager-endpoint': scenario.fake.url
    })
    expect(result.exitCode).toBe(0)
    const inputData = JSON.parse(scenario.fake.requestsTo('submit')[0]!.body).properties.InputData
    expect(inputData).toEqual({
      newest: { JobInputType: 'UriFile', Uri: `${workspace}/data/heart-unlabeled/versions/2` },
      pinned: { JobInputType: 'UriFolder', Uri: `${workspace}/data/heart-unlabeled/versions/1` }
    })
    expect(scenario.fake.requestsTo('armGetData')).toHaveLength(1)
    expect(scenario.fake.requestsTo('armGetDataVersion')).toHaveLength(2)
    const armToken = scenario.fake.tokens.find(t => t.audience === 'https://management.azure.com')!
    expect(scenario.fake.requestsTo('armGetData')[0]!.headers['authorization']).toBe(`Bearer ${armToken.accessToken}`)
  })

  it('explains an asset version that does not exist, before submitting', async () => {
    const { workspace } = await withAssets()
    const result = await scenario.run({
      'input-uri': 'azureml:heart-unlabeled:7',
      workspace,
      'resource-manager-endpoint': scenario.fake.url
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('Could not look up data asset azureml:heart-unlabeled:7: HTTP 404')
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })

  it('needs workspace, and says so before any request', async () => {
    await withAssets()
    const result = await scenario.run({ 'input-uri': 'azureml:heart-unlabeled@latest' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain("are looked up in a workspace: give 'workspace'")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('dry run with input-path', () => {
  it('says what would be uploaded and scored, and sends nothing', async () => {
    scenario = await startScenario()
    const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
    // A dry run finds the files as the upload would: in the checkout.
    const checkout = mkdtempSync(join(tmpdir(), 'checkout-'))
    mkdirSync(join(checkout, 'data/incoming'), { recursive: true })
    writeFileSync(join(checkout, 'data/incoming/a.csv'), 'age\n63\n')
    const inputs = {
      'dry-run': 'true',
      'input-uri': undefined,
      'input-path': 'data/incoming',
      'upload-prefix': 'batches/7',
      workspace
    }
    const result = await scenario.run(inputs, { env: { GITHUB_WORKSPACE: checkout } })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      "the files 'data/incoming' matches would be uploaded to datastore workspaceblobstore under batches/7/"
    )
    expect(result.stdout).toContain('azureml://datastores/workspaceblobstore/paths/batches/7/')
    expect(result.stdout).toContain(
      'It matches 1 file, 7 B, in the workspace:\n  data/incoming/a.csv -> batches/7/a.csv'
    )
    expect(scenario.fake.requests).toHaveLength(0)
  })
})
