import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeCheckout } from '../checkout.js'
import { workspaceArmId } from '../fake-azure/batch-job.js'
import { inputVariables } from './run-action.js'
import { startStorageScenario, type StorageScenario } from './storage-scenario.js'

// The whole local Azure of `npm run fake-azure`: the fake Azure, Azurite behind the front end and the proxy the tests
// use, a checkout with data to upload, and the env file holding every variable a run of the action needs to reach
// them, and nothing else, from 127.0.0.1 only.

export interface LocalAzure {
  scenario: StorageScenario
  /** What the env file holds: the runner's variables and the INPUT_* variables of an `input-path` step. */
  variables: Record<string, string>
  /** The folder GITHUB_WORKSPACE names: data/incoming holds two CSV files. */
  checkout: string
  /** Where the step summary goes. */
  summaryFile: string
  close(): Promise<void>
}

/** Starts it all and writes `envFile`, one NAME=value a line, as `env $(cat <envFile>)` and local-action read it. */
export async function startLocalAzure(envFile: string): Promise<LocalAzure> {
  const scenario = await startStorageScenario()
  const { fake } = scenario
  // Each job the endpoint accepts runs a few status reads, then completes, so that wait: true has something to follow.
  fake.setJobStatuses(['Preparing', 'Running', 'Running', 'Completed'])

  const checkout = writeCheckout(
    { 'data/incoming/2026/11/a.csv': 'age,chol\n63,233\n', 'data/incoming/2026/11/b.csv': 'age,chol\n37,250\n' },
    'fake-azure-checkout-'
  )
  const workDir = mkdtempSync(join(tmpdir(), 'fake-azure-run-'))
  const summaryFile = join(workDir, 'summary.md')
  writeFileSync(summaryFile, '')
  const variables: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: fake.caFile,
    // Blob storage and the workspace's run-history host keep their production names and go through the proxy, which
    // tunnels them to 127.0.0.1; everything else is addressed as 127.0.0.1. Lower-case twins too: undici prefers
    // them, and a developer's own would otherwise win.
    ...scenario.env,
    https_proxy: scenario.env.HTTPS_PROXY,
    no_proxy: scenario.env.NO_PROXY,
    GITHUB_WORKSPACE: checkout,
    GITHUB_REPOSITORY: 'contoso/heart-data',
    GITHUB_WORKFLOW: 'score',
    GITHUB_JOB: 'score',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_STEP_SUMMARY: summaryFile,
    ...inputVariables({
      ...scenario.inputs,
      'input-uri': undefined,
      'input-path': 'data/incoming',
      workspace: workspaceArmId(fake.batchEndpoint.workspace),
      'resource-manager-endpoint': fake.url,
      'poll-interval': '1s'
    })
  }
  const close = async () => {
    await scenario.close()
    for (const folder of [checkout, workDir]) rmSync(folder, { recursive: true, force: true })
  }
  try {
    // `env $(cat fake-azure.env)` splits on white space: no value may hold any.
    const spaced = Object.entries(variables).filter(([, value]) => /\s/.test(value))
    if (spaced.length > 0) throw new Error(`values with white space: ${spaced.map(([name]) => name).join(', ')}`)
    writeFileSync(
      envFile,
      Object.entries(variables)
        .map(([name, value]) => `${name}=${value}\n`)
        .join('')
    )
  } catch (error) {
    await close()
    throw error
  }
  return { scenario, variables, checkout, summaryFile, close }
}
