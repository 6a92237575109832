// `npm run fake-azure` as a new user meets it: the built action, run by hand with nothing but the variables of the
// fake-azure.env it writes, uploads files of the checkout and brings the predictions back, and no request of it
// leaves 127.0.0.1: it runs where no host name resolves (test/e2e/no-dns.js), and the proxy saw every blob request.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLocalAzure, type LocalAzure } from '../../test/e2e/local-azure.js'
import { repoRoot } from '../../test/e2e/run-action.js'

const noDns = join(repoRoot, 'test/e2e/no-dns.js')
let local: LocalAzure
let envFile: string

beforeAll(async () => {
  envFile = join(mkdtempSync(join(tmpdir(), 'fake-azure-env-')), 'fake-azure.env')
  local = await startLocalAzure(envFile)
})
afterAll(async () => local?.close())

interface HandRun {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
}

/** `env $(cat fake-azure.env) <more> node dist/index.js`, from a shell that sets nothing else but PATH and HOME. */
function runByHand(more: Record<string, string> = {}, script = 'dist/index.js'): Promise<HandRun> {
  const fromFile = Object.fromEntries(
    readFileSync(envFile, 'utf8')
      .split('\n')
      .filter(line => line.includes('='))
      .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  )
  const child = spawn(process.execPath, ['--import', noDns, join(repoRoot, script)], {
    cwd: mkdtempSync(join(tmpdir(), 'by-hand-')),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...fromFile, ...more },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', exitCode => {
      // Without GITHUB_OUTPUT, @actions/core writes each output as a ::set-output command.
      const outputs = Object.fromEntries(
        [...stdout.matchAll(/^::set-output name=([^:]+)::(.*)$/gm)].map(m => [m[1] ?? '', m[2] ?? ''])
      )
      resolve({ exitCode, stdout, stderr, outputs })
    })
  })
}

function explain(run: HandRun): string {
  return `exit ${run.exitCode}\n${run.stdout}\n${run.stderr}`
}

it('writes every variable a run needs: the proxy for storage, the workspace, a checkout with data', () => {
  const file = readFileSync(envFile, 'utf8')
  expect(file).toMatch(/^HTTPS_PROXY=http:\/\/127\.0\.0\.1:\d+$/m)
  expect(file).toMatch(/^NO_PROXY=127\.0\.0\.1,localhost$/m)
  expect(file).toMatch(/^INPUT_WORKSPACE=\/subscriptions\/.+\/workspaces\/.+$/m)
  expect(file).toContain(`GITHUB_WORKSPACE=${local.checkout}\n`)
  expect(readdirSync(join(local.checkout, 'data/incoming/2026/11'))).toEqual(['a.csv', 'b.csv'])
})

it('the guard refuses every host name, to node:https (the Azure SDK) and to fetch (undici) alike', async () => {
  const probe = `
    require('node:https').get('https://example.com').on('error', e => console.log('https', e.code))
    fetch('https://example.org').catch(e => console.log('fetch', e.cause?.code))`
  const child = spawn(process.execPath, ['--import', noDns, '-e', probe], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  await once(child, 'close')
  expect(stdout.split('\n').sort()).toEqual(['', 'fetch ENOTFOUND', 'https ENOTFOUND'])
  expect(stderr.split('\n').sort()).toEqual(['', 'no-dns: example.com', 'no-dns: example.org'])
})

it("uploads the checkout's data and scores it, and then downloads the predictions, all on 127.0.0.1", async () => {
  const upload = await runByHand()
  expect({ exitCode: upload.exitCode, log: explain(upload) }).toEqual({ exitCode: 0, log: expect.any(String) })
  expect(upload.outputs['uploaded-files']).toBe('2')
  expect(upload.outputs['job-id']).toBeTruthy()

  const download = await runByHand({ INPUT_WAIT: 'true', 'INPUT_DOWNLOAD-PATH': 'predictions' })
  expect({ exitCode: download.exitCode, log: explain(download) }).toEqual({ exitCode: 0, log: expect.any(String) })
  expect(download.outputs['status']).toBe('Completed')
  expect(Number(download.outputs['downloaded-files'])).toBeGreaterThan(0)
  expect(existsSync(join(local.checkout, 'predictions'))).toBe(true)

  for (const run of [upload, download]) expect(run.stderr).not.toContain('no-dns:')
  // Every tunnel the proxy was asked for is one it serves from 127.0.0.1: blob storage and run history.
  const { connects } = local.scenario.proxy
  expect(connects).toContain('devstoreaccount1.blob.core.windows.net:443')
  expect(connects.filter(target => !/\.blob\.core\.windows\.net:443$|\.api\.azureml\.ms:443$/.test(target))).toEqual([])
}, 60_000)
