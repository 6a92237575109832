// input-path, end to end: dist/index.js uploads files of a checkout to the workspace datastore on a real blob service
// (Azurite, reached under its production hostname through a proxy), then scores exactly those files.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer as createTlsServer } from 'node:tls'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob'
import type { ActionResult } from '../../test/e2e/run-action.js'
import { errorMessage } from '../../test/e2e/scenario.js'
import { sharedServerCertificate } from '../../test/fake-azure/certificate.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { writeCheckout } from '../../test/checkout.js'
import { until } from '../../test/e2e/runner-cancel.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

// The run attempt's part of the default upload folder; each step adds a part of its own (see uploadFolder).
const prefix = 'github/contoso/heart-data/4242-1'
const checkoutFiles: Record<string, string> = {
  'data/incoming/2026/11/a.csv': 'age,chol\n63,233\n',
  'data/incoming/2026/11/b.csv': 'age,chol\n37,250\n',
  'data/incoming/readme.txt': 'not data',
  'data/archive/old.csv': 'age,chol\n41,204\n',
  'README.md': '# heart data'
}

function checkout(): string {
  return writeCheckout(checkoutFiles)
}

function pushEvent(payload: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
  writeFileSync(path, JSON.stringify(payload))
  return path
}

async function uploading(options: Parameters<typeof startStorageScenario>[0] = {}) {
  scenario = await startStorageScenario(options)
  const ws = scenario.fake.batchEndpoint.workspace
  const workspace = workspaceArmId(ws)
  const inputs = {
    'input-uri': undefined,
    workspace,
    'resource-manager-endpoint': scenario.fake.url,
    'github-token': scenario.fake.githubApi.token
  }
  return { inputs, env: { GITHUB_WORKSPACE: checkout() } }
}

/** The folder the step uploaded into, from its log: the run attempt's prefix and a part unique to the step. */
function uploadFolder(result: ActionResult): string {
  const folder = /^Uploading .* under (\S+)\/$/m.exec(result.stdout)?.[1]
  expect(folder).toMatch(new RegExp(`^${prefix}-[0-9a-f]{8}$`))
  return folder ?? ''
}

function submittedInput() {
  return JSON.parse(scenario.fake.requestsTo('submit')[0]!.body).properties.InputData.input_data
}

describe('uploading files from the checkout', () => {
  it('uploads a folder with its structure and scores exactly that folder', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run({ ...inputs, 'input-path': 'data/incoming' }, { env })
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect((await scenario.listBlobs(folder)).sort()).toEqual([
      `${folder}/2026/11/a.csv`,
      `${folder}/2026/11/b.csv`,
      `${folder}/readme.txt`
    ])
    const inputUri = `azureml://datastores/workspaceblobstore/paths/${folder}/`
    expect(submittedInput()).toEqual({ JobInputType: 'UriFolder', Uri: inputUri })
    expect(result.outputs).toMatchObject({ 'uploaded-files': '3', 'uploaded-bytes': '40', 'input-uri': inputUri })
    // Identity-based: every blob write carried the service principal's token.
    const writes = scenario.blobFrontEnd.requests.filter(r => r.method === 'PUT')
    expect(writes.length).toBeGreaterThanOrEqual(3)
    expect(writes.every(r => r.auth === 'Bearer' && r.clientId === scenario.app.clientId)).toBe(true)
    expect(scenario.proxy.connects.every(host => host.endsWith('.blob.core.windows.net:443'))).toBe(true)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('uploads what a glob matches, below its folder part', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run({ ...inputs, 'input-path': 'data/**/*.csv' }, { env })
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect((await scenario.listBlobs(folder)).sort()).toEqual([
      `${folder}/archive/old.csv`,
      `${folder}/incoming/2026/11/a.csv`,
      `${folder}/incoming/2026/11/b.csv`
    ])
  })

  it('scores a single file as a uri_file', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run({ ...inputs, 'input-path': 'data/archive/old.csv' }, { env })
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect(submittedInput()).toEqual({
      JobInputType: 'UriFile',
      Uri: `azureml://datastores/workspaceblobstore/paths/${folder}/old.csv`
    })
  })

  it('refuses a path outside the checkout before any request', async () => {
    const { inputs, env } = await uploading()
    const result = await scenario.run({ ...inputs, 'input-path': '../../etc' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'input-path' ('../../etc') points outside the workspace")
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('changed-only', () => {
  const before = 'a'.repeat(40)
  const after = 'b'.repeat(40)

  it('keeps the files the push added or modified, from the push payload', async () => {
    const { inputs, env } = await uploading()
    const event = pushEvent({
      before,
      after,
      commits: [{ added: ['data/incoming/2026/11/b.csv'], modified: ['README.md'], removed: [] }]
    })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data/incoming', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect(await scenario.listBlobs(folder)).toEqual([`${folder}/2026/11/b.csv`])
    expect(scenario.fake.requestsTo('githubCompare')).toHaveLength(0)
    expect(result.outputs['uploaded-files']).toBe('1')
  })

  it('asks the GitHub API after a forced push', async () => {
    const { inputs, env } = await uploading()
    scenario.fake.githubApi.setCompare(`${before}...${after}`, [
      { filename: 'data/incoming/2026/11/a.csv', status: 'modified' },
      { filename: 'data/incoming/readme.txt', status: 'removed' }
    ])
    const event = pushEvent({ before, after, forced: true, commits: [] })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data/incoming', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect(scenario.fake.requestsTo('githubCompare')).toHaveLength(1)
    expect(scenario.fake.requestsTo('githubCompare')[0]!.path).toContain(
      `/repos/contoso/heart-data/compare/${before}...${after}`
    )
    expect(await scenario.listBlobs(folder)).toEqual([`${folder}/2026/11/a.csv`])
    expect(scenario.leaks(result)).toEqual([])
  })

  it('reaches the GitHub API through HTTPS_PROXY', async () => {
    const { inputs, env } = await uploading()
    scenario.fake.githubApi.setCompare(`${before}...${after}`, [
      { filename: 'data/incoming/2026/11/b.csv', status: 'added' }
    ])
    const event = pushEvent({ before, after, forced: true, commits: [] })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data/incoming', 'changed-only': 'true' },
      { env: { ...env, ...scenario.githubApiViaProxy, GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect(scenario.proxy.connects).toContain('api.github.com:443')
    expect(scenario.fake.requestsTo('githubCompare')).toHaveLength(1)
    expect(await scenario.listBlobs(folder)).toEqual([`${folder}/2026/11/b.csv`])
  })

  it('scores every matched file when GitHub cannot list all the changes', async () => {
    const { inputs, env } = await uploading()
    const many = Array.from({ length: 300 }, (_, i) => ({ filename: `data/other/${i}.csv`, status: 'added' as const }))
    scenario.fake.githubApi.setCompare(`${before}...${after}`, many)
    const event = pushEvent({ before, after, forced: true, commits: [] })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data/incoming', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('GitHub lists only the first 300 changed files')
    expect(result.outputs['uploaded-files']).toBe('3')
  })

  it('skips the job when nothing under input-path changed', async () => {
    const { inputs, env } = await uploading()
    const event = pushEvent({ before, after, commits: [{ modified: ['README.md'] }] })
    const result = await scenario.run(
      { ...inputs, 'input-path': 'data/incoming', 'changed-only': 'true' },
      { env: { ...env, GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'Skipped', 'uploaded-files': '0' })
    expect(result.stdout).toContain('No job was submitted')
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
    expect(await scenario.listBlobs(prefix)).toEqual([])
  })
})

describe('storage access', () => {
  it('refuses a datastore whose endpoint names another host, before asking for a storage token', async () => {
    // Another HTTPS server on this machine: where a crafted endpoint would send the storage token and the data.
    const certificate = await sharedServerCertificate()
    const connections: string[] = []
    const elsewhere = createTlsServer(certificate, socket => socket.destroy())
    elsewhere.on('connection', socket => connections.push(String(socket.remoteAddress)))
    await new Promise<void>(resolve => elsewhere.listen(0, '127.0.0.1', resolve))
    try {
      const port = (elsewhere.address() as AddressInfo).port
      const { inputs, env } = await uploading({
        datastores: [
          {
            name: 'workspaceblobstore',
            accountName: 'devstoreaccount1',
            containerName: 'scoring-input',
            endpoint: `core.windows.net@127.0.0.1:${port}`,
            credentials: { credentialsType: 'None' }
          }
        ]
      })
      const result = await scenario.run({ ...inputs, 'input-path': 'data/incoming' }, { env })
      expect(result.exitCode).toBe(1)
      expect(errorMessage(result)).toContain(
        `Datastore 'workspaceblobstore' has the endpoint "core.windows.net@127.0.0.1:${port}", which is not a plain DNS name.`
      )
      expect(connections).toEqual([])
      expect(scenario.proxy.connects).toEqual([])
      expect(scenario.blobFrontEnd.requests).toEqual([])
      expect(scenario.fake.tokens.filter(t => t.audience === 'https://storage.azure.com')).toEqual([])
      expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
    } finally {
      await new Promise(resolve => elsewhere.close(resolve))
    }
  })

  it("falls back to the datastore's own credentials when the identity may not write", async () => {
    const { inputs, env } = await uploading()
    scenario.blobFrontEnd.denyClients.add(scenario.app.clientId.toLowerCase())
    const result = await scenario.run({ ...inputs, 'input-path': 'data/incoming' }, { env })
    expect(result.exitCode).toBe(0)
    const folder = uploadFolder(result)
    expect(result.stdout).toContain("using the datastore's own credentials")
    const auths = scenario.blobFrontEnd.requests.map(r => `${r.auth} ${r.status}`)
    expect(auths[0]).toBe('Bearer 403')
    expect(auths.filter(a => a.startsWith('SharedKey 2'))).toHaveLength(3)
    expect(scenario.fake.requestsTo('armListDatastoreSecrets')).toHaveLength(1)
    expect((await scenario.listBlobs(folder)).length).toBe(3)
    expect(scenario.leaks(result)).toEqual([])
  })

  it('names the role to grant when the identity may not write and the datastore has no credentials', async () => {
    const { inputs, env } = await uploading({
      datastores: [
        {
          name: 'workspaceblobstore',
          accountName: 'devstoreaccount1',
          containerName: 'scoring-input',
          credentials: { credentialsType: 'None' }
        }
      ]
    })
    scenario.blobFrontEnd.denyClients.add(scenario.app.clientId.toLowerCase())
    const result = await scenario.run({ ...inputs, 'input-path': 'data/incoming' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('HTTP 403 AuthorizationPermissionMismatch')
    expect(errorMessage(result)).toContain('Grant the identity "Storage Blob Data Contributor" on the account')
    expect(scenario.fake.requestsTo('armListDatastoreSecrets')).toHaveLength(0)
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })

  it('fails before submitting, naming the file, when nothing may write', async () => {
    const { inputs, env } = await uploading()
    const account = new BlobServiceClient(
      scenario.azurite.blobUrl,
      new StorageSharedKeyCredential(scenario.azurite.accountName, scenario.azurite.accountKey)
    )
    const datastore = scenario.fake.resourceManager.datastores.find(d => d.name === 'workspaceblobstore')!
    await account.getContainerClient(datastore.containerName).delete()
    const result = await scenario.run({ ...inputs, 'input-path': 'data/incoming' }, { env })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toMatch(/^Could not upload data\/incoming\/\S+: HTTP 404 ContainerNotFound/)
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })
})

describe('a cancelled workflow run during the upload', () => {
  it('submits nothing', async () => {
    const { inputs, env } = await uploading()
    scenario.fake.fail('armGetDatastore', { delayMs: 2_000 })
    const running = scenario.start({ ...inputs, 'input-path': 'data/incoming', wait: 'true' }, { env })
    await running.waitForOutput(/^Uploading 3 files/)
    running.child.kill('SIGINT')
    const result = await running.result
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toBe(
      'The workflow run was cancelled before the job was submitted; nothing was submitted.'
    )
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  })
})

describe('upload progress and bounds', () => {
  const withFiles = (files: Record<string, number>) => writeCheckout(files)

  it('uploads a large file in blocks, whole', async () => {
    const { inputs } = await uploading()
    const root = mkdtempSync(join(tmpdir(), 'checkout-'))
    mkdirSync(join(root, 'data'))
    // Three blocks of 8 MiB or less, each with content of its own, so that a block out of place shows.
    const content = Buffer.concat([0x61, 0x62, 0x63].map(byte => Buffer.alloc(7 * 1024 * 1024, byte)))
    writeFileSync(join(root, 'data/large.csv'), content)
    const result = await scenario.run({ ...inputs, 'input-path': 'data' }, { env: { GITHUB_WORKSPACE: root } })
    expect(result.exitCode).toBe(0)
    const blocks = scenario.blobFrontEnd.requests.filter(r => r.path.includes('comp=block&'))
    expect(blocks).toHaveLength(3)
    const account = new BlobServiceClient(
      scenario.azurite.blobUrl,
      new StorageSharedKeyCredential(scenario.azurite.accountName, scenario.azurite.accountKey)
    )
    const datastore = scenario.fake.resourceManager.datastores.find(d => d.name === 'workspaceblobstore')!
    const blob = account.getContainerClient(datastore.containerName).getBlobClient(`${uploadFolder(result)}/large.csv`)
    expect((await blob.downloadToBuffer()).equals(content)).toBe(true)
  })

  it('reports the acknowledged bytes at least every 5 s while a slow request is in flight', async () => {
    const { inputs } = await uploading()
    // Each request body is read at 100 KiB/s: small.csv is acknowledged within a second, large.csv takes 20 s.
    scenario.blobFrontEnd.link.bytesPerSecond = 100 * 1024
    const root = withFiles({ 'data/large.csv': 2 * 1024 * 1024, 'data/small.csv': 64 * 1024 })
    const result = await scenario.run({ ...inputs, 'input-path': 'data' }, { env: { GITHUB_WORKSPACE: root } })
    expect(result.exitCode).toBe(0)
    const lines = [...result.stdout.matchAll(/^Uploaded (\d)\/2 files, (.+) of 2\.1 MiB \((.+)\/s\)$/gm)]
    const inFlight = lines.filter(([, files]) => files === '1')
    // While large.csv is in flight, only small.csv's 64 KiB are acknowledged; the rate tells the action's own clock.
    expect(inFlight.length).toBeGreaterThanOrEqual(3)
    expect(inFlight.every(([, , bytes]) => bytes === '64.0 KiB')).toBe(true)
    const seconds = inFlight.map(([, , , rate]) => 64 / kib(rate!))
    const gaps = seconds.slice(1).map((at, i) => at - seconds[i]!)
    expect(seconds[0]).toBeLessThanOrEqual(6.5)
    expect(gaps.every(gap => gap > 0 && gap <= 6.5)).toBe(true)
    expect(lines.at(-1)?.slice(1, 3)).toEqual(['2', '2.1 MiB'])
  }, 60_000)

  it('fails naming the file, and submits nothing, when the blob service stops answering', async () => {
    const { inputs } = await uploading()
    scenario.blobFrontEnd.link.bytesPerSecond = 100 * 1024
    const root = withFiles({ 'data/ok.csv': 1024, 'data/stuck.csv': 4 * 1024 * 1024 })
    const running = scenario.start({ ...inputs, 'input-path': 'data' }, { env: { GITHUB_WORKSPACE: root } })
    await until(
      () => scenario.blobFrontEnd.requests.some(r => r.method === 'PUT' && r.path.includes('stuck.csv')),
      'the upload of stuck.csv',
      60_000
    )
    await until(
      () => scenario.blobFrontEnd.requests.some(r => r.path.includes('ok.csv') && r.status === 201),
      'ok.csv uploaded',
      60_000
    )
    scenario.blobFrontEnd.link.stalled = true
    const result = await running.result
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^No progress for 3\d s on data\/stuck\.csv: /m)
    expect(errorMessage(result)).toMatch(
      /^Could not upload data\/stuck\.csv: the blob service took or acknowledged no byte of it for 40 s\./
    )
    expect(scenario.fake.requestsTo('submit')).toHaveLength(0)
  }, 90_000)

  it('reuses proxy tunnels across files', async () => {
    const { inputs } = await uploading()
    const root = withFiles(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`data/${i}.csv`, 100])))
    const result = await scenario.run({ ...inputs, 'input-path': 'data' }, { env: { GITHUB_WORKSPACE: root } })
    expect(result.exitCode).toBe(0)
    expect(await scenario.listBlobs(prefix)).toHaveLength(200)
    const tunnels = scenario.proxy.connects.filter(target => target.endsWith('.blob.core.windows.net:443'))
    // At most one per connection (32), not one per file.
    expect(tunnels.length).toBeGreaterThan(0)
    expect(tunnels.length).toBeLessThanOrEqual(32)
  })
})

function kib(rate: string): number {
  const [value = '', unit] = rate.split(' ')
  return unit === 'KiB' ? Number(value) : unit === 'B' ? Number(value) / 1024 : Number(value) * 1024
}
