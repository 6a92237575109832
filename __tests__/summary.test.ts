import { parseSubmittedJob } from '../src/job/submitted-job.js'
import { readSettings } from '../src/settings.js'
import { summaryMarkdown } from '../src/summary.js'
import { testRunner } from '../test/unit/runner.js'

const inputs: Record<string, string> = {
  'tenant-id': 'contoso.onmicrosoft.com',
  'client-id': '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
  'client-secret': 'x',
  'endpoint-uri': 'https://heart-ep.westus2.inference.ml.azure.com/jobs',
  'input-uri': 'https://mystorage.blob.core.windows.net/data/heart-disease/'
}
const recorded = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/batchEndpoints/heart-ep/deployments/blue/jobs/batchjob-1234',
  name: 'batchjob-1234',
  type: 'Microsoft.MachineLearningServices/workspaces/batchEndpoints/deployments/jobs',
  properties: {
    status: 'Preparing',
    name: 'careful_bulb_plwyqfx0',
    interactionEndpoints: {
      Studio: {
        endpoint: 'https://ml.azure.com/runs/batchjob-1234?wsid=/subscriptions/s/resourcegroups/rg/workspaces/ws'
      }
    }
  }
}

describe('parseSubmittedJob', () => {
  it('takes the job id from the top-level name, not the display name', () => {
    const job = parseSubmittedJob(JSON.stringify(recorded), 'blue')
    expect(job).toEqual({
      name: 'batchjob-1234',
      id: recorded.id,
      status: 'Preparing',
      studioUrl: recorded.properties.interactionEndpoints.Studio.endpoint,
      deployment: 'blue'
    })
  })

  it('rejects an answer that is not a job', () => {
    expect(() => parseSubmittedJob('<html></html>', undefined)).toThrow('not JSON')
    expect(() => parseSubmittedJob('{"properties":{}}', undefined)).toThrow('no job name or id')
  })
})

describe('summaryMarkdown', () => {
  it("shows the scoring step's last progress line and its error count after the status, as code", () => {
    const job = parseSubmittedJob(JSON.stringify(recorded), 'blue')
    const settings = readSettings(n => inputs[n] ?? '', testRunner())
    const scoring = { lastProgressLine: 'processed: 40 | [x](https://evil.example) `tick`', errorLines: 3 }
    const markdown = summaryMarkdown(job, settings, { status: 'Completed', durationMs: 61_000, scoring })
    const rows = markdown.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| |'))
    expect(rows.slice(1, 5)).toEqual([
      '| Status | `Completed` |',
      '| Duration | `1m 1s` |',
      '| Scoring progress | `` processed: 40 \\| [x](https://evil.example) `tick` `` |',
      '| Scoring errors | `3 lines in logs/user/error.txt` |'
    ])
    const unseen = summaryMarkdown(job, settings, {
      status: 'Failed',
      scoring: { lastProgressLine: undefined, errorLines: 0 }
    })
    expect(unseen).toContain('| Status | `Failed` |\n| Scoring progress | `(no progress line yet)` |')
    expect(summaryMarkdown(job, settings, { status: 'Completed' })).not.toContain('Scoring')
  })

  it('shows job, status, endpoint, deployment, input and the Studio link', () => {
    const markdown = summaryMarkdown(
      parseSubmittedJob(JSON.stringify(recorded), 'blue'),
      readSettings(n => inputs[n] ?? '', testRunner())
    )
    expect(markdown).toContain('| Job | `batchjob-1234` |')
    expect(markdown).toContain('| Status | `Preparing` |')
    expect(markdown).toContain('| Endpoint | `https://heart-ep.westus2.inference.ml.azure.com/jobs` |')
    expect(markdown).toContain('| Deployment | `blue` |')
    expect(markdown).toContain('| Input | `input_data: https://mystorage.blob.core.windows.net/data/heart-disease/` |')
    expect(markdown).toContain(
      `[Open the job in Azure Machine Learning studio](${recorded.properties.interactionEndpoints.Studio.endpoint})`
    )
  })
})

describe('summaryMarkdown with what a service answered', () => {
  const settings = () => readSettings(n => inputs[n] ?? '', testRunner())
  const job = (status: string, studio: string) =>
    parseSubmittedJob(
      JSON.stringify({
        ...recorded,
        properties: { ...recorded.properties, status, interactionEndpoints: { Studio: { endpoint: studio } } }
      }),
      'blue'
    )

  it('keeps a crafted status inside its cell and renders none of it', () => {
    const markdown = summaryMarkdown(
      job(
        'Running` <img src=https://evil.example/p.png> `|x',
        recorded.properties.interactionEndpoints.Studio.endpoint
      ),
      settings()
    )
    const row = markdown.split('\n').find(line => line.startsWith('| Status |')) ?? ''
    expect(row).toBe('| Status | ``Running` <img src=https://evil.example/p.png> `\\|x`` |')
  })

  it.each([
    'https://evil.example/runs/batchjob-1234',
    'https://ml.azure.com.evil.example/runs/x',
    'http://ml.azure.com/runs/x',
    'javascript:alert(1)'
  ])('links only to the cloud’s Studio, not %s', studio => {
    const markdown = summaryMarkdown(job('Preparing', studio), settings())
    expect(markdown).not.toContain('](')
    expect(markdown).not.toContain('evil.example')
  })

  it('links to the Studio of the cloud the job runs in', () => {
    const china = readSettings(n => ({ ...inputs, environment: 'azurechinacloud' })[n] ?? '', testRunner())
    const studio = 'https://studio.ml.azure.cn/runs/batchjob-1234?wsid=/subscriptions/s'
    expect(summaryMarkdown(job('Preparing', studio), china)).toContain(`(${studio})`)
    expect(summaryMarkdown(job('Preparing', studio), settings())).not.toContain('](')
  })
})

describe('the summary of a job reached by endpoint-name or job-id', () => {
  const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
  const job = parseSubmittedJob(JSON.stringify(recorded), 'blue')

  it('names the endpoint by name, its scoring URI beside it', () => {
    const given: Record<string, string> = { ...inputs, 'endpoint-uri': '', 'endpoint-name': 'heart-ep', workspace }
    const settings = readSettings(name => given[name] ?? '', testRunner())
    const markdown = summaryMarkdown(job, { ...settings, scoringUri: inputs['endpoint-uri']! })
    expect(markdown).toContain('| Endpoint | `heart-ep (https://heart-ep.westus2.inference.ml.azure.com/jobs)` |')
    expect(markdown).toContain('| Deployment | `blue` |')
  })

  it('names no endpoint for a job followed by job-id, whose endpoint the step never read', () => {
    const given: Record<string, string> = {
      ...inputs,
      'endpoint-uri': '',
      'input-uri': '',
      'job-id': 'batchjob-1234',
      workspace
    }
    const settings = readSettings(name => given[name] ?? '', testRunner())
    const markdown = summaryMarkdown({ ...job, deployment: undefined }, settings)
    expect(markdown).toContain('| Job | `batchjob-1234` |')
    expect(markdown).not.toContain('| Endpoint |')
    expect(markdown).not.toContain('| Deployment |')
  })
})
