// `npm run fake-azure`: the built-in fake Azure (Entra, the batch endpoint, Resource Manager) on 127.0.0.1, on its
// own, until Ctrl-C. It writes fake-azure.env, the variables the runner would give the action, and prints how to run
// the action against it by hand.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { inputVariables, repoRoot } from '../test/e2e/run-action.js'
import { startScenario } from '../test/e2e/scenario.js'

const scenario = await startScenario()
const { fake } = scenario
// Each job the endpoint accepts runs a few status reads, then completes, so that wait: true has something to follow.
fake.setJobStatuses(['Preparing', 'Running', 'Running', 'Completed'])

const workDir = mkdtempSync(join(tmpdir(), 'fake-azure-run-'))
const summaryFile = join(workDir, 'summary.md')
writeFileSync(summaryFile, '')
const variables: Record<string, string> = {
  NODE_EXTRA_CA_CERTS: fake.caFile,
  GITHUB_REPOSITORY: 'contoso/heart-data',
  GITHUB_WORKFLOW: 'score',
  GITHUB_RUN_ID: '1',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_STEP_SUMMARY: summaryFile,
  ...inputVariables({
    ...scenario.inputs,
    'resource-manager-endpoint': fake.url,
    'poll-interval': '1s'
  })
}
// `env $(cat fake-azure.env)` splits on white space: no value may hold any.
const spaced = Object.entries(variables).filter(([, value]) => /\s/.test(value))
if (spaced.length > 0) throw new Error(`values with white space: ${spaced.map(([name]) => name).join(', ')}`)
const envFile = join(repoRoot, 'fake-azure.env')
writeFileSync(
  envFile,
  Object.entries(variables)
    .map(([name, value]) => `${name}=${value}\n`)
    .join('')
)

console.log(`The fake Azure listens at ${fake.url} (its TLS certificate authority: ${fake.caFile}).
${relative(process.cwd(), envFile) || envFile} holds what the runner would give the action: the INPUT_* variables of a step
that signs in with a client secret and submits to the fake endpoint, and NODE_EXTRA_CA_CERTS.

In another terminal, after npm run build:

  env $(cat fake-azure.env) node dist/index.js

Change or add INPUT_* lines to try other inputs (INPUT_WAIT=true follows the job to Completed; INPUT_DRY-RUN=true
sends nothing). Outputs show as ::set-output lines; the step summary goes to ${summaryFile}.
To run the TypeScript sources instead, under a debugger, with @github/local-action:

  NODE_EXTRA_CA_CERTS=${fake.caFile} npx @github/local-action run . src/main.ts fake-azure.env

Ctrl-C stops the fake.`)

process.on('SIGINT', () => {
  void fake.close().then(() => process.exit(0))
})
