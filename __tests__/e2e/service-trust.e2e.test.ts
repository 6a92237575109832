// What the batch endpoint answers and what a workflow gives is checked before it is used or shown: the built action
// (dist/index.js) run as the runner runs it, against a fake endpoint that answers with crafted text.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeCheckout } from '../../test/checkout.js'
import type { ActionResult } from '../../test/e2e/run-action.js'
import { errorMessage, startScenario, type Scenario } from '../../test/e2e/scenario.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../../test/fake-azure/batch-job.js'
import { makeClientCertificate } from '../../test/fake-azure/client-certificate.js'

let scenario: Scenario
let storage: StorageScenario | undefined
afterEach(async () => {
  await scenario?.fake.close()
  await storage?.close()
  storage = undefined
})

// Each forged command carries FORGED right after its name: the runner would run it if it began a line of the log.
const forged =
  'Running\n::add-mask::FORGED-mask\n::warning::FORGED-warning\r::stop-commands::FORGED-stop\n' +
  '##[error]FORGED-error `<img src=https://evil.example/p.png>` ![i](https://evil.example/i.png)'

function forgedCommands(result: ActionResult): string[] {
  return result.stdout
    .split(/\r\n|\r|\n|\u2028|\u2029|\u0085/)
    .filter(line => /^\s*::[a-z-]+(?: [^:]*)?::FORGED/.test(line) || line.includes('##['))
}

/**
 * The log as the runner shows it: after `::stop-commands::<token>` it obeys no command until `::<token>::`, so an
 * `::add-mask::` line in between is shown as it is, secret and all. Lines end at CR, LF or CRLF.
 */
function shownByRunner(stdout: string): string {
  let stoppedBy: string | undefined
  const shown: string[] = []
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const command = line.trim()
    if (stoppedBy !== undefined) {
      if (command === `::${stoppedBy}::`) stoppedBy = undefined
      else shown.push(line)
    } else if (command.startsWith('::stop-commands::')) {
      stoppedBy = command.slice('::stop-commands::'.length)
    } else if (!command.startsWith('::add-mask::')) {
      shown.push(line)
    }
  }
  return shown.join('\n')
}

// The summary without its code spans: what GitHub renders as markdown and HTML rather than as text.
function renderedPart(summary: string): string {
  return summary.replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '')
}

function links(summary: string): string[] {
  return [...renderedPart(summary).matchAll(/\]\(([^)]*)\)/g)].map(m => m[1] ?? '')
}

const armInputs = (s: Scenario) => ({ wait: 'true', 'poll-interval': '1s', 'resource-manager-endpoint': s.fake.url })

describe('a submission answer with crafted text', () => {
  it('logs status and Studio link as data, and links only to Studio', async () => {
    scenario = await startScenario()
    scenario.fake.batchEndpoint.craftAnswers({ status: forged, studio: 'https://evil.example/runs/x' })
    const result = await scenario.run()

    expect(result.exitCode).toBe(0)
    expect(forgedCommands(result)).toEqual([])
    expect(result.masked.filter(m => m.includes('FORGED'))).toEqual([])
    expect(result.stdout).toMatch(/^Job batchjob-[0-9a-f-]+ is Running\\n::add-mask::FORGED-mask/m)
    expect(renderedPart(result.summary)).not.toMatch(/<img|evil\.example|!\[/)
    expect(links(result.summary)).toEqual([])
    expect(result.outputs['studio-url']).toBe('')
    expect(scenario.leaks(result)).toEqual([])
  })

  it('keeps the link to the cloud’s own Studio', async () => {
    scenario = await startScenario()
    const result = await scenario.run()
    expect(result.exitCode).toBe(0)
    expect(links(result.summary)).toEqual([result.outputs['studio-url']])
    expect(new URL(result.outputs['studio-url'] ?? '').hostname).toBe('ml.azure.com')
  })

  it.each([
    ['an empty job name', { name: '' }, 'answered with a job name that is not one'],
    ['a job name with a forged command', { name: 'batchjob-1\n::add-mask::FORGED-name' }, 'a job name that is not'],
    ['a job name with a path', { name: '../../x' }, 'answered with a job name that is not one'],
    ['an id outside a workspace', { id: '/subscriptions/s/jobs/x' }, 'answered with a job id that does not name job']
  ])('refuses %s, says what came back, and reads or cancels nothing', async (_, crafted, message) => {
    scenario = await startScenario()
    scenario.fake.batchEndpoint.craftAnswers(crafted)
    const result = await scenario.run(armInputs(scenario))

    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(message)
    expect(forgedCommands(result)).toEqual([])
    expect(result.masked.filter(m => m.includes('FORGED'))).toEqual([])
    expect(scenario.fake.requestsTo('armGetJob')).toHaveLength(0)
    expect(scenario.fake.requestsTo('armCancelJob')).toHaveLength(0)
    expect(result.outputs['job-id']).toBeUndefined()
  })

  it('shows a crafted error message as data', async () => {
    scenario = await startScenario()
    const body = JSON.stringify({ error: { code: 'UserError\n::warning::FORGED-code', message: forged } })
    scenario.fake.fail('submit', { status: 400, body, contentType: 'application/json' })
    const result = await scenario.run()

    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain('HTTP 400')
    expect(forgedCommands(result)).toEqual([])
    expect(result.masked.filter(m => m.includes('FORGED'))).toEqual([])
  })
})

describe('inputs refused before any request', () => {
  const password = 'P4ssw0rdQ7z'
  it.each([
    ['input-uri', { 'input-uri': `https://user:${password}@mystorage.blob.core.windows.net/data/` }],
    ['input-uri', { 'input-uri': `https://mystorage.blob.core.windows.net/d/x.csv?sv=2022-11-02&sig=${password}` }],
    ['output-uri', { 'output-uri': `azureml://datastores/out/paths/p/?sig=${password}` }],
    ['endpoint-uri', { 'endpoint-uri': `https://127.0.0.1/jobs?sig=${password}#frag` }]
  ])('%s holding credentials, in a dry run too', async (input, overrides) => {
    scenario = await startScenario()
    for (const dryRun of ['false', 'true']) {
      const result = await scenario.run({ ...overrides, 'dry-run': dryRun })
      expect(result.exitCode).toBe(1)
      expect(errorMessage(result)).toContain(`Input '${input}' holds credentials`)
      expect(`${result.stdout}${result.stderr}${result.summary}`).not.toContain(password)
      expect(scenario.fake.requests).toHaveLength(0)
    }
  })

  it('a path on authority-host', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'authority-host': `${scenario.fake.url}/${scenario.app.tenantId}` })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'authority-host' must be the host alone")
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it.each([
    ['upload-prefix', { 'upload-prefix': 'batch\n7?x#y' }],
    ['upload-prefix', { 'upload-prefix': 'p'.repeat(2000) }],
    ['datastore', { datastore: 'blob store?x' }]
  ])('%s that is not a name', async (input, overrides) => {
    scenario = await startScenario()
    const workspace = `/subscriptions/${scenario.fake.batchEndpoint.workspace.subscriptionId}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`
    const result = await scenario.run({ 'input-uri': undefined, 'input-path': 'data', workspace, ...overrides })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain(`Input '${input}' must be`)
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('creds with a numeric clientSecret names the field', async () => {
    scenario = await startScenario()
    const creds = JSON.stringify({
      clientId: scenario.app.clientId,
      tenantId: scenario.app.tenantId,
      clientSecret: 918273645
    })
    const result = await scenario.run({
      'client-id': undefined,
      'tenant-id': undefined,
      'client-secret': undefined,
      creds
    })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'creds': field 'clientSecret' must be text")
    expect(result.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('918273645')
    expect(result.masked).toContain('918273645')
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

describe('a client certificate in any layout', () => {
  it.each([
    ['one line', (pem: string) => pem.replace(/\r?\n/g, ' ')],
    ['CR only', (pem: string) => pem.replace(/\r?\n/g, '\r')],
    ['CRLF', (pem: string) => pem.replace(/\r?\n/g, '\r\n')]
  ])('%s: signs in, masked whole and line by line', async (_, layout) => {
    const certificate = await makeClientCertificate()
    scenario = await startScenario({}, { clientSecret: undefined, certificate: certificate.certificatePem })
    const pem = layout(certificate.combinedPem)
    const result = await scenario.run({ 'client-secret': undefined, 'client-certificate': pem })

    expect(result.exitCode).toBe(0)
    const keyLines = certificate.privateKeyPem.split(/\r?\n/).filter(l => l.length > 20 && !l.startsWith('-----'))
    expect(result.masked).toEqual(expect.arrayContaining(keyLines))
    expect(scenario.leaks(result)).toEqual([])
    expect(`${result.stdout.replace(/^::add-mask::.*$/gm, '')}${result.stderr}`).not.toContain(keyLines[1])
  })

  it('says a key that cannot be read cannot be read, before any request', async () => {
    const certificate = await makeClientCertificate()
    scenario = await startScenario({}, { clientSecret: undefined, certificate: certificate.certificatePem })
    const broken = certificate.combinedPem.replace(/(PRIVATE KEY-----\r?\n)(.{12})/, '$1AAAAAAAAAAAA')
    const result = await scenario.run({ 'client-secret': undefined, 'client-certificate': broken })

    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'client-certificate' holds a private key that cannot be read")
    expect(errorMessage(result)).not.toContain('Could not reach')
    expect(scenario.fake.requests).toHaveLength(0)
  })
})

// A workflow may build an input from event data (`${{ github.event.head_commit.message }}`, a branch name): whoever
// wrote that text chose it. Each value forges every kind of command, encoded ones too, and FORGED marks the forgery.
function crafted(name: string): string {
  return (
    `${name}\n::warning::FORGED-${name}\r::stop-commands::FORGED-stop\n##[error]FORGED-${name} ` +
    `%0A::error::FORGED-${name}\u2028::add-mask::FORGED-${name}`
  )
}

describe('inputs built from event data', () => {
  it('output-file-name, job-name and experiment-name that are not names: all refused at once, before any request', async () => {
    scenario = await startScenario()
    for (const dryRun of ['false', 'true']) {
      const result = await scenario.run({
        'output-file-name': crafted('file'),
        'job-name': crafted('job'),
        'experiment-name': crafted('experiment'),
        'dry-run': dryRun
      })
      expect(result.exitCode).toBe(1)
      const message = errorMessage(result)
      expect(message).toContain("Input 'output-file-name' must be a file name such as predictions.csv")
      expect(message).toContain("Input 'job-name' must be a display name on one line")
      expect(message).toContain("Input 'experiment-name' must be an Azure ML experiment name")
      expect(forgedCommands(result)).toEqual([])
      expect(message.split(/\r\n|\r|\n/).filter(line => /^\s*::|##\[/.test(line))).toEqual([])
      expect(result.masked.filter(m => m.includes('FORGED'))).toEqual([])
      expect(scenario.fake.requests).toHaveLength(0)
    }
  })

  it('100,000 characters of a name are refused in a short message', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'output-file-name': 'x'.repeat(100_000), 'job-name': 'n'.repeat(100_000) })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'output-file-name' must be a file name")
    expect(errorMessage(result)).toContain('longer than 255 characters')
    expect(errorMessage(result)).toContain("Input 'job-name' must be a display name")
    expect(result.stdout.length).toBeLessThan(5_000)
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('input-uri and download-path quoted in errors forge nothing', async () => {
    scenario = await startScenario()
    const result = await scenario.run({ 'input-uri': crafted('uri'), 'download-path': `../${crafted('path')}` })
    expect(result.exitCode).toBe(1)
    expect(errorMessage(result)).toContain("Input 'input-uri' looks like a local path")
    expect(errorMessage(result)).toContain("Input 'download-path' needs 'wait: true'")
    expect(forgedCommands(result)).toEqual([])
    expect(scenario.fake.requests).toHaveLength(0)
  })

  it('download-path: the job is scored and downloaded, the path shown as data, no token in clear', async () => {
    storage = await startStorageScenario()
    scenario = storage
    const root = writeCheckout({ 'data/a.csv': 'age,chol\n63,233\n' })
    const result = await storage.run(
      {
        'input-uri': undefined,
        'input-path': 'data',
        workspace: workspaceArmId(storage.fake.batchEndpoint.workspace),
        wait: 'true',
        'poll-interval': '1s',
        'resource-manager-endpoint': storage.fake.url,
        'download-path': crafted('results')
      },
      { env: { GITHUB_WORKSPACE: root, GITHUB_JOB: 'score' } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs['downloaded-files']).toBe('1')
    expect(result.stdout).toMatch(/^Downloading azureml:\/\/\S+ into \S+\/results\\n::warning::FORGED-results\\r/m)
    expect(forgedCommands(result)).toEqual([])
    expect(renderedPart(result.summary)).not.toMatch(/FORGED-results\n|##\[/)
    const shown = shownByRunner(result.stdout)
    expect(storage.secrets().filter(secret => secret.length >= 4 && shown.includes(secret))).toEqual([])
    expect(storage.leaks(result)).toEqual([])
  })

  it('input-path: a run with nothing to score says so with the paths as data, in the log and the summary', async () => {
    storage = await startStorageScenario()
    scenario = storage
    const root = writeCheckout({ 'data/a.csv': 'age,chol\n63,233\n', 'README.md': '# heart data' })
    const event = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    const commits = [{ added: [], modified: ['README.md'], removed: [] }]
    writeFileSync(event, JSON.stringify({ before: 'a'.repeat(40), after: 'b'.repeat(40), commits }))
    const result = await storage.run(
      {
        'input-uri': undefined,
        'input-path': `data\n${crafted('pattern')}`,
        'changed-only': 'true',
        workspace: workspaceArmId(storage.fake.batchEndpoint.workspace),
        'resource-manager-endpoint': storage.fake.url
      },
      { env: { GITHUB_WORKSPACE: root, GITHUB_EVENT_PATH: event } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Skipped')
    expect(result.stdout).toMatch(/^Nothing to score: the push changed no file that 'data\\npattern\\n::warning::/m)
    expect(forgedCommands(result)).toEqual([])
    expect(result.summary).toContain('Skipped: the push changed no file that')
    expect(result.summary).not.toMatch(/\n##\[|FORGED-pattern\n|<|!\[/)
    expect(storage.leaks(result)).toEqual([])
  })
})
