// input-path takes nothing on trust, end to end against dist/index.js and a real blob service (Azurite): not the
// repository's own files (.git, .env, names the blob service would merge), not an upload folder that other files
// share, not GitHub's compare API to answer at once or at all, not the event payload to be complete.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob'
import type { ActionResult } from '../../test/e2e/run-action.js'
import { errorMessage } from '../../test/e2e/scenario.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { writeCheckout } from '../../test/checkout.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

const runPrefix = 'github/contoso/heart-data/4242-1'

function checkout(files: Record<string, string>): string {
  return writeCheckout(files)
}

const dataFiles = {
  'data/incoming/a.csv': 'age,chol\n63,233\n',
  'data/archive/old.csv': 'age,chol\n41,204\n'
}

async function uploading(files: Record<string, string> = dataFiles) {
  scenario = await startStorageScenario()
  const ws = scenario.fake.batchEndpoint.workspace
  const workspace = workspaceArmId(ws)
  const inputs = {
    'input-uri': undefined,
    workspace,
    'resource-manager-endpoint': scenario.fake.url,
    'github-token': scenario.fake.githubApi.token
  }
  const root = checkout(files)
  return { inputs, root, env: { GITHUB_WORKSPACE: root } }
}

function uploadFolder(result: ActionResult): string {
  return /^Uploading .* under (\S+)\/$/m.exec(result.stdout)?.[1] ?? ''
}

function eventFile(payload: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  return path
}

describe('the repository besides its data', () => {
  it('never uploads .git or dot-files for **', async () => {
    const { inputs, env } = await uploading({
      ...dataFiles,
      '.git/config': '[http]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW4=\n',
      '.env': 'API_KEY=hunter2',
      '.github/workflows/score.yml': 'on: push'
    })
    const result = await scenario.run({ ...inputs, 'input-path': '**' }, { env })
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect((await scenario.listBlobs(folder)).sort()).toEqual([
      `${folder}/data/archive/old.csv`,
      `${folder}/data/incoming/a.csv`
    ])
    expect(result.outputs['uploaded-files']).toBe('2')
  })

  it('uploads a dot-file that input-path names', async () => {
    const { inputs, env } = await uploading({ ...dataFiles, 'data/.hidden/h.csv': 'h\n1\n' })
    const result = await scenario.run({ ...inputs, 'input-path': 'data/.hidden/*' }, { env })
    expect(result.exitCode).toBe(0)
    expect(await scenario.listBlobs(uploadFolder(result))).toEqual([`${uploadFolder(result)}/h.csv`])
  })

  it('stops before any request when two files would be one blob, naming both', async () => {
    const { inputs, env } = await uploading({ 'd/x\\y.csv': 'one', 'd/x/y.csv': 'two', 'd/z.csv': 'three' })
    const result = await scenario.run({ ...inputs, 'input-path': 'd' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(
      /^Input 'input-path': d\/x\/y\.csv and d\/x\\y\.csv would both be stored as the blob github\/\S+\/x\/y\.csv/
    )
    expect(scenario.blobFrontEnd.requests).toEqual([])
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('takes a name that begins with .. as a name inside the workspace', async () => {
    const { inputs, env } = await uploading({ ...dataFiles, '..data': 'age\n1\n' })
    const result = await scenario.run({ ...inputs, 'input-path': '..data' }, { env })
    expect(result.exitCode).toBe(0)
    expect(await scenario.listBlobs(uploadFolder(result))).toEqual([`${uploadFolder(result)}/..data`])
  })

  it('follows a symbolic link to a folder inside the checkout', async () => {
    const { inputs, env, root } = await uploading()
    symlinkSync(join(root, 'data/archive'), join(root, 'linked'))
    const result = await scenario.run({ ...inputs, 'input-path': 'linked' }, { env })
    expect(result.exitCode).toBe(0)
    expect(await scenario.listBlobs(uploadFolder(result))).toEqual([`${uploadFolder(result)}/old.csv`])
  })

  it('refuses a link to .git/config or into .git, naming it, before any request', async () => {
    const { inputs, env, root } = await uploading({ ...dataFiles, '.git/config': 'extraheader = token' })
    symlinkSync('../../.git/config', join(root, 'data/incoming/cfg.csv'))
    const result = await scenario.run({ ...inputs, 'input-path': 'data' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(
      /^Input 'input-path': data\/incoming\/cfg\.csv is a symbolic link to \.git\/config, which is never uploaded/
    )
    expect(scenario.fake.requestsTo('token')).toHaveLength(0)
  })

  it('refuses a link to a folder outside the checkout before walking it', async () => {
    const { inputs, env, root } = await uploading()
    symlinkSync('/', join(root, 'data/incoming/everything'))
    const started = Date.now()
    const result = await scenario.run({ ...inputs, 'input-path': 'data' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toBe(
      "Input 'input-path': data/incoming/everything is a symbolic link to /, outside the workspace."
    )
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('refuses a named pipe at once, naming it, and exits', async () => {
    const { inputs, env, root } = await uploading()
    execFileSync('mkfifo', [join(root, 'data/incoming/feed.csv')])
    const started = Date.now()
    const result = await scenario.run({ ...inputs, 'input-path': 'data' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^Input 'input-path': data\/incoming\/feed\.csv is a named pipe \(FIFO\)/)
    expect(Date.now() - started).toBeLessThan(20_000)
  })

  it('reads every line of input-path relative to the checkout', async () => {
    const { inputs, env } = await uploading()
    // The action runs in another folder (the harness's work folder), so a line read from there would match nothing.
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data/archive/old.csv\ndata/incoming/a.csv\n' },
      { env }
    )
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect((await scenario.listBlobs(folder)).sort()).toEqual([`${folder}/a.csv`, `${folder}/old.csv`])
  })
})

describe('dry run with input-path', () => {
  it('lists the files that would go up, and sends nothing', async () => {
    const { inputs, env } = await uploading({ ...dataFiles, '.env': 'API_KEY=hunter2' })
    const result = await scenario.run({ ...inputs, 'input-path': '.', 'dry-run': 'true' }, { env })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('It matches 2 files, 32 B, in the workspace:')
    expect(result.stdout).toMatch(
      new RegExp(`^  data/incoming/a\\.csv -> ${runPrefix}-[0-9a-f]{8}/data/incoming/a\\.csv$`, 'm')
    )
    expect(result.stdout).not.toContain('.env')
    expect(scenario.fake.requests).toHaveLength(0)
    expect(scenario.blobFrontEnd.requests).toEqual([])
  })

  it('lists only the files the push changed, with changed-only', async () => {
    const { inputs, env } = await uploading()
    const event = eventFile({
      before: 'a'.repeat(40),
      after: 'b'.repeat(40),
      commits: [{ added: ['data/incoming/a.csv'] }]
    })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data', 'changed-only': 'true', 'dry-run': 'true' },
      { env: { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('It takes 1 file, 16 B, in the workspace:')
    expect(result.stdout).toContain('  data/incoming/a.csv -> ')
    expect(result.stdout).not.toContain('old.csv')
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('says nothing would be submitted when the push changed none of the files', async () => {
    const { inputs, env } = await uploading()
    const event = eventFile({ before: 'a'.repeat(40), after: 'b'.repeat(40), commits: [{ modified: ['README.md'] }] })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data', 'changed-only': 'true', 'dry-run': 'true' },
      { env: { ...env, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      "Nothing would be uploaded or submitted: the push changed no file that 'data' matches."
    )
  })

  it('fails on a schedule event with changed-only, as the upload would', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data', 'changed-only': 'true', 'dry-run': 'true' },
      { env: { ...env, GITHUB_EVENT_NAME: 'schedule', GITHUB_EVENT_PATH: eventFile({ schedule: '0 3 * * *' }) } }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toBe(
      'changed-only needs a push or pull_request event; this run was started by schedule.'
    )
  })

  it('fails as the upload would when input-path matches nothing', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run({ ...inputs, 'input-path': 'data/*.parquet', 'dry-run': 'true' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toBe("Input 'input-path' ('data/*.parquet') matches no file in the workspace.")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('upload folders', () => {
  it('gives two steps of the same run attempt folders of their own', async () => {
    const { inputs, env } = await uploading()
    const east = await scenario.run({ ...inputs, 'input-path': 'data/incoming' }, { env })
    const west = await scenario.run({ ...inputs, 'input-path': 'data/archive' }, { env })
    expect([east.exitCode, west.exitCode]).toEqual([0, 0])
    const [eastFolder, westFolder] = [uploadFolder(east), uploadFolder(west)]
    expect(eastFolder).toMatch(new RegExp(`^${runPrefix}-[0-9a-f]{8}$`))
    expect(westFolder).toMatch(new RegExp(`^${runPrefix}-[0-9a-f]{8}$`))
    expect(eastFolder).not.toBe(westFolder)
    expect(east.outputs['input-uri']).toBe(`azureml://datastores/workspaceblobstore/paths/${eastFolder}/a.csv`)
    expect(west.outputs['input-uri']).toBe(`azureml://datastores/workspaceblobstore/paths/${westFolder}/old.csv`)
    expect(await scenario.listBlobs(eastFolder)).toEqual([`${eastFolder}/a.csv`])
    expect(await scenario.listBlobs(westFolder)).toEqual([`${westFolder}/old.csv`])
  })

  it('refuses an upload-prefix that already holds blobs, before uploading anything', async () => {
    const { inputs, env } = await uploading()
    const account = new BlobServiceClient(
      scenario.azurite.blobUrl,
      new StorageSharedKeyCredential(scenario.azurite.accountName, scenario.azurite.accountKey)
    )
    const datastore = scenario.fake.resourceManager.datastores.find(d => d.name === 'workspaceblobstore')!
    await account.getContainerClient(datastore.containerName).uploadBlockBlob('batches/7/earlier.csv', 'x', 1)
    const result = await scenario.run({ ...inputs, 'input-path': 'data', 'upload-prefix': 'batches/7' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(
      "Input 'upload-prefix': batches/7/ in datastore workspaceblobstore already holds blobs " +
        '(batches/7/earlier.csv among them). The job scores the whole folder, so it would score those too.'
    )
    const requests = scenario.blobFrontEnd.requests
    expect(requests.map(r => r.method)).toEqual(['GET'])
    expect(requests[0]!.path).toMatch(/[?&]comp=list&/)
    expect(requests[0]!.path).toContain('restype=container')
    expect(requests[0]!.path).toContain('prefix=batches%2F7%2F')
    expect(requests[0]!.path).toContain('maxresults=1')
    expect(await scenario.listBlobs('batches/')).toEqual(['batches/7/earlier.csv'])
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })

  it('uploads into an upload-prefix that is empty, and a neighbour with a longer name does not count', async () => {
    const { inputs, env } = await uploading()
    const account = new BlobServiceClient(
      scenario.azurite.blobUrl,
      new StorageSharedKeyCredential(scenario.azurite.accountName, scenario.azurite.accountKey)
    )
    const datastore = scenario.fake.resourceManager.datastores.find(d => d.name === 'workspaceblobstore')!
    await account.getContainerClient(datastore.containerName).uploadBlockBlob('batches/70/earlier.csv', 'x', 1)
    const result = await scenario.run({ ...inputs, 'input-path': 'data', 'upload-prefix': 'batches/7' }, { env })
    expect(result.exitCode).toBe(0)
    expect((await scenario.listBlobs('batches/7/')).sort()).toEqual([
      'batches/7/archive/old.csv',
      'batches/7/incoming/a.csv'
    ])
  })
})

describe("GitHub's compare API", () => {
  const before = 'a'.repeat(40)
  const after = 'b'.repeat(40)
  const forcedPush = () => eventFile({ before, after, forced: true, commits: [] })

  it('is asked again after a 502', async () => {
    const { inputs, env } = await uploading()
    scenario.fake.githubApi.setCompare(`${before}...${after}`, [{ filename: 'data/incoming/a.csv', status: 'added' }])
    scenario.fake.fail('githubCompare', { status: 502, body: '<html>502 Bad Gateway</html>' })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_PATH: forcedPush() } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain("GitHub's compare API failed (HTTP 502); trying again in 1 s")
    expect(scenario.fake.requestsTo('githubCompare')).toHaveLength(2)
    expect(await scenario.listBlobs(uploadFolder(result))).toEqual([`${uploadFolder(result)}/incoming/a.csv`])
  })

  it('that never answers ends the step with a clear message', async () => {
    const { inputs, env } = await uploading()
    scenario.fake.githubApi.setCompare(`${before}...${after}`, [{ filename: 'data/incoming/a.csv', status: 'added' }])
    const silence = { delayMs: 600_000 }
    scenario.fake.fail('githubCompare', silence, silence, silence)
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_PATH: forcedPush() } }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toBe(
      `GitHub's compare API (${before}...${after}) gave no answer within 40 s. changed-only needs it to tell which ` +
        'files changed: run the job again, or set changed-only to false.'
    )
    expect(scenario.blobFrontEnd.requests).toEqual([])
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  }, 90_000)

  it('explains a pull_request event without its base and head', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile({ number: 7 }) } }
    )
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toBe(
      'The pull_request event has no base.sha; without it GitHub cannot say which files changed. Check the event ' +
        'that started the run (GITHUB_EVENT_PATH), or set changed-only to false to score every file input-path matches.'
    )
    expect(scenario.fake.requestsTo('githubCompare')).toHaveLength(0)
  })
})
