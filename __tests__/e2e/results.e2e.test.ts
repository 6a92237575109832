// download-path, end to end: dist/index.js uploads files of a checkout, scores them, waits, and brings the
// predictions back into the workspace from a real blob service (Azurite, under its production host name).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cancelLikeTheRunner, until } from '../../test/e2e/runner-cancel.js'
import { errorMessage } from '../../test/e2e/scenario.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { writeCheckout } from '../../test/checkout.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

const checkoutFiles: Record<string, string> = {
  'data/incoming/a.csv': 'age,chol\n63,233\n',
  'data/incoming/b.csv': 'age,chol\n37,250\n',
  'data/incoming/sub/c.csv': 'age,chol\n41,204\n'
}

function checkout(): string {
  return writeCheckout(checkoutFiles)
}

async function scoring(options: Parameters<typeof startStorageScenario>[0] = {}) {
  scenario = await startStorageScenario(options)
  const ws = scenario.fake.batchEndpoint.workspace
  const workspace = workspaceArmId(ws)
  const root = checkout()
  const inputs = {
    'input-uri': undefined,
    'input-path': 'data/incoming',
    workspace,
    wait: 'true',
    'poll-interval': '1s',
    'resource-manager-endpoint': scenario.fake.url,
    'download-path': 'results'
  }
  return { inputs, root, env: { GITHUB_WORKSPACE: root, GITHUB_JOB: 'score' } }
}

function submittedOutput() {
  return JSON.parse(scenario.fake.requestsTo('submit')[0]!.body).properties.OutputData
}

describe('bringing the predictions back', () => {
  it('pushes, uploads, scores, waits and downloads the predictions, one row per scored file', async () => {
    const { inputs, root, env } = await scoring()
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(0)
    const output = submittedOutput().score
    expect(output.JobOutputType).toBe('UriFile')
    expect(output.Uri).toMatch(
      /^azureml:\/\/datastores\/workspaceblobstore\/paths\/github-results\/contoso\/heart-data\/4242-1\/score-[0-9a-f]{8}\/predictions\.csv$/
    )
    expect(result.outputs['output-uri']).toBe(output.Uri)
    expect(result.stdout).toContain(`The job will write its results to ${output.Uri}`)
    const file = join(root, 'results', 'predictions.csv')
    expect(result.outputs['results-file']).toBe(file)
    expect(result.outputs['downloaded-files']).toBe('1')
    const rows = readFileSync(file, 'utf8').trim().split('\n')
    expect(rows.map(row => row.split(',')[0]).sort()).toEqual(['a.csv', 'b.csv', 'sub/c.csv'])
    expect(result.stdout).toMatch(/^Downloaded 1\/1 files/m)
    expect(result.summary).toContain('#### Results')
    expect(result.summary).toContain('3 rows')
    expect(result.summary).toMatch(/\| a\\\.csv \| 0\\\.\d{4} \|/)
    // Identity first: the blobs were read with the service principal's token.
    const reads = scenario.blobFrontEnd.requests.filter(r => r.method === 'GET')
    expect(reads.length).toBeGreaterThanOrEqual(2)
    expect(reads.every(r => r.auth === 'Bearer' && r.clientId === scenario.app.clientId)).toBe(true)
    expect(scenario.leaks(result)).toEqual([])
  })

  it("gives two steps' results two places", async () => {
    const { inputs, env } = await scoring()
    const first = await scenario.run(inputs, { env })
    // Into a folder of its own: the action overwrites no file the first step downloaded.
    const second = await scenario.run({ ...inputs, 'download-path': 'results-2' }, { env })
    expect([first.exitCode, second.exitCode]).toEqual([0, 0])
    expect(first.outputs['output-uri']).not.toBe(second.outputs['output-uri'])
  })

  it('downloads a folder output of a pipeline deployment, keeping its structure', async () => {
    const { inputs, root, env } = await scoring({ pipelineDeployments: ['blue'] })
    scenario.outputs.options = { extraBlobs: { 'parts/part-0001.csv': '1,2\n', 'summary.json': '{}' } }
    const result = await scenario.run({ ...inputs, 'output-name': 'scores' }, { env })
    expect(result.exitCode).toBe(0)
    expect(submittedOutput().scores.JobOutputType).toBe('UriFolder')
    expect(result.outputs['output-uri']).toMatch(/\/score-[0-9a-f]{8}\/$/)
    expect(readdirSync(join(root, 'results'), { recursive: true }).map(String).sort()).toEqual([
      'parts',
      'parts/part-0001.csv',
      'predictions.csv',
      'summary.json'
    ])
    expect(result.outputs['downloaded-files']).toBe('3')
    expect(result.outputs['results-file']).toBeUndefined()
    expect(result.summary).toContain('| File | Size |')
  })

  it("reads the results with the datastore's own credentials when the identity may not", async () => {
    const { inputs, root, env } = await scoring()
    scenario.blobFrontEnd.denyClients.add(scenario.app.clientId.toLowerCase())
    // With step debug logging, where the Azure SDK's own log shows too: the account key must still never show.
    const result = await scenario.run(inputs, { env: { ...env, RUNNER_DEBUG: '1' } })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^::debug::/m)
    expect(result.stdout).toContain(
      "The signed-in identity may not read blobs (HTTP 403); using the datastore's own credentials."
    )
    const reads = scenario.blobFrontEnd.requests.filter(r => r.method === 'GET').map(r => `${r.auth} ${r.status}`)
    expect(reads[0]).toBe('Bearer 403')
    expect(reads.slice(1).every(read => read.startsWith('SharedKey 2'))).toBe(true)
    expect(
      readFileSync(join(root, 'results', 'predictions.csv'), 'utf8')
        .trim()
        .split('\n')
    ).toHaveLength(3)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('names the role to grant when neither the identity nor the datastore may read', async () => {
    const { inputs, env } = await scoring({
      datastores: [
        {
          name: 'workspaceblobstore',
          accountName: 'devstoreaccount1',
          containerName: 'scoring',
          credentials: { credentialsType: 'None' }
        }
      ]
    })
    await scenario.writeBlob('ready/a.csv', 'age\n1\n')
    scenario.blobFrontEnd.denyClients.add(scenario.app.clientId.toLowerCase())
    const result = await scenario.run(
      { ...inputs, 'input-path': undefined, 'input-uri': 'azureml://datastores/workspaceblobstore/paths/ready/' },
      { env }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('HTTP 403')
    expect(errorMessage(result)).toContain('Grant the identity "Storage Blob Data Reader" on the account')
    expect(result.outputs['status']).toBe('Completed')
  })

  it('fails, saying so, when the completed job left nothing at its output location', async () => {
    const { inputs, env } = await scoring()
    scenario.outputs.options = { writePredictions: false }
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(
      /^The job Completed, but azureml:\/\/\S+ holds no file: there is nothing to download/
    )
    expect(result.outputs['downloaded-files']).toBeUndefined()
  })

  it('fails, naming the file, when a file does not arrive whole after retries', async () => {
    const { inputs, root, env } = await scoring()
    scenario.blobFrontEnd.brokenDownloads.add('predictions.csv')
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^Could not download predictions\.csv: /)
    // What arrived of it is removed: no half file is left for a later step to read.
    expect(readdirSync(join(root, 'results'))).toEqual([])
    const reads = scenario.blobFrontEnd.requests.filter(r => r.method === 'GET' && r.path.includes('predictions.csv'))
    expect(reads.length).toBeGreaterThan(2)
    expect(result.summary).toContain('| Status | `Completed` |')
  })

  it('refuses a blob name that would land outside download-path, downloading nothing', async () => {
    const { inputs, root, env } = await scoring({ pipelineDeployments: ['blue'] })
    scenario.outputs.options = { extraBlobs: { '../../../../../../escaped.csv': 'x\n' } }
    const result = await scenario.run({ ...inputs, 'output-name': 'scores' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^The blob '.*escaped\.csv' would land outside download-path/)
    expect(existsSync(join(root, 'results'))).toBe(false)
  })

  it('downloads from a given output-uri', async () => {
    const { inputs, root, env } = await scoring()
    const uri = 'azureml://datastores/workspaceblobstore/paths/mine/run-1/scores.csv'
    const result = await scenario.run({ ...inputs, 'output-uri': uri }, { env })
    expect(result.exitCode).toBe(0)
    expect(submittedOutput().score).toEqual({ JobOutputType: 'UriFile', Uri: uri })
    expect(result.outputs['output-uri']).toBe(uri)
    expect(result.outputs['results-file']).toBe(join(root, 'results', 'scores.csv'))
  })

  it("shows the service's refusal of a folder output for a model deployment", async () => {
    const { inputs, env } = await scoring()
    const result = await scenario.run(
      { ...inputs, 'output-uri': 'azureml://datastores/workspaceblobstore/paths/mine/run-1/' },
      { env }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Job output type must be 'uri_file'.")
  })
})

describe('results that must not be written as they come', () => {
  const gitConfig = '[core]\n\trepositoryformatversion = 0\n'

  it("never rewrites the checkout's git config: download-path . and a blob named .git/config", async () => {
    const { inputs, root, env } = await scoring({ pipelineDeployments: ['blue'] })
    mkdirSync(join(root, '.git'))
    writeFileSync(join(root, '.git', 'config'), gitConfig)
    scenario.outputs.options = { extraBlobs: { '.git/config': '[core]\n\tfsmonitor = touch /tmp/owned\n' } }
    const result = await scenario.run({ ...inputs, 'output-name': 'scores', 'download-path': '.' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^The blob '\S+\/\.git\/config' would be written into a \.git folder; nothing/)
    expect(readFileSync(join(root, '.git', 'config'), 'utf8')).toBe(gitConfig)
    expect(existsSync(join(root, 'predictions.csv'))).toBe(false)
    expect(result.outputs['status']).toBe('Completed')
  })

  it('refuses a download-path that is a symbolic link out of the workspace, before any request', async () => {
    const { inputs, root, env } = await scoring()
    const outside = mkdtempSync(join(tmpdir(), 'outside-'))
    symlinkSync(outside, join(root, 'results'))
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      "Input 'download-path' ('results') is or lies below results, a symbolic link; the action writes only into real"
    )
    expect(scenario.fake.requests).toHaveLength(0)
    expect(readdirSync(outside)).toEqual([])
  })

  it('overwrites nothing: a file already where a result goes fails the step, naming it', async () => {
    const { inputs, root, env } = await scoring()
    mkdirSync(join(root, 'results'))
    writeFileSync(join(root, 'results', 'predictions.csv'), 'mine\n')
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(
      /^Input 'download-path': results\/predictions\.csv already exists, and the action overwrites nothing; nothing was/
    )
    expect(readFileSync(join(root, 'results', 'predictions.csv'), 'utf8')).toBe('mine\n')
    expect(result.summary).toContain('| Status | `Completed` |')
  })

  it('writes through no symbolic link: a link where a result goes leaves its target outside untouched', async () => {
    const { inputs, root, env } = await scoring()
    const outside = mkdtempSync(join(tmpdir(), 'outside-'))
    writeFileSync(join(outside, 'precious.csv'), 'outside\n')
    mkdirSync(join(root, 'results'))
    symlinkSync(join(outside, 'precious.csv'), join(root, 'results', 'predictions.csv'))
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'download-path': results/predictions.csv already exists")
    expect(readFileSync(join(outside, 'precious.csv'), 'utf8')).toBe('outside\n')
  })

  it('shows a blob name that carries a workflow command escaped, and downloads nothing', async () => {
    const { inputs, root, env } = await scoring({ pipelineDeployments: ['blue'] })
    // Azurite lists no name XML cannot hold (a NUL): the in-process tests show those, from a scripted listing.
    scenario.outputs.options = { extraBlobs: { 'x\n::error::forged.csv': '1\n' } }
    const result = await scenario.run({ ...inputs, 'output-name': 'scores' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/x\\n::error::forged\.csv' holds a control character/)
    expect(result.stdout).not.toMatch(/^::error::forged/m)
    expect(existsSync(join(root, 'results'))).toBe(false)
  })

  it('writes no more than the listing gave: a longer body fails naming the file, which is removed', async () => {
    const { inputs, root, env } = await scoring()
    scenario.blobFrontEnd.oversizedDownloads.add('predictions.csv')
    const result = await scenario.run(inputs, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(
      /^Could not download predictions\.csv: the blob service sent more than the \d+ bytes its listing gave; the file/
    )
    expect(readdirSync(join(root, 'results'))).toEqual([])
  })

  it('a write the disk refuses fails naming the file, which is removed', async () => {
    const { inputs, root, env } = await scoring({ pipelineDeployments: ['blue'] })
    scenario.outputs.options = { extraBlobs: { 'big/part.csv': '1,2\n'.repeat(256 * 1024) } }
    // A file size limit of 32 KiB: the kernel refuses the write past it (EFBIG) as a full disk refuses it (ENOSPC).
    const limited = ['prlimit', '--fsize=32768', '--']
    const result = await scenario.run({ ...inputs, 'output-name': 'scores' }, { env, wrapper: limited })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^Could not download big\/part\.csv: .*EFBIG/)
    expect(existsSync(join(root, 'results', 'big', 'part.csv'))).toBe(false)
  })

  it('ends promptly on SIGINT during the download, removing the file in progress', async () => {
    const { inputs, root, env } = await scoring()
    scenario.blobFrontEnd.stalledDownloads.add('predictions.csv')
    const running = scenario.start(inputs, { env })
    // The blob's own GET, not the listing's (whose prefix names the file too).
    const reading = () =>
      scenario.blobFrontEnd.requests.some(r => r.method === 'GET' && r.path.split('?')[0]!.endsWith('/predictions.csv'))
    await until(reading, 'the download of predictions.csv', 60_000)
    const cancelled = await cancelLikeTheRunner(running)
    expect(cancelled.signalsSent).toEqual(['SIGINT'])
    expect(cancelled.exitCode).toBe(1)
    expect(errorMessage(cancelled)).toBe('The workflow run was cancelled: nothing is left to cancel.')
    expect(readdirSync(join(root, 'results'))).toEqual([])
  })
})

describe('download-path checks before any request', () => {
  it('needs wait: true', async () => {
    const { inputs, env } = await scoring()
    const result = await scenario.run({ ...inputs, wait: 'false' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'download-path' needs 'wait: true'")
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('shows the location it chose in a dry run', async () => {
    const { inputs, env } = await scoring()
    const result = await scenario.run({ ...inputs, 'dry-run': 'true' }, { env })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(
      /"OutputData": \{\s+"score": \{\s+"JobOutputType": "UriFile",\s+"Uri": "azureml:\/\/datastores\/workspaceblobstore\/paths\/github-results\/contoso\/heart-data\/4242-1\/score-[0-9a-f]{8}\/predictions\.csv"/
    )
    expect(result.stdout).toMatch(/would be downloaded into \S+\/results\./)
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('keeps the results out of the uploaded folder', async () => {
    const { inputs, env } = await scoring()
    const result = await scenario.run({ ...inputs, 'upload-prefix': 'github-results/contoso' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      "Input 'upload-prefix' ('github-results/contoso') holds the results location"
    )
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('stays inside the workspace', async () => {
    const { inputs, env } = await scoring()
    const result = await scenario.run({ ...inputs, 'download-path': '../elsewhere' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'download-path' ('../elsewhere') points outside the workspace")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})
