// `npm run demo`: the built action (dist/index.js) runs, as the GitHub runner would run it, against the fake Azure
// on 127.0.0.1 (and Azurite for the workspace's storage), and this prints what a workflow author would see: the
// step's `with:`, the log, the outputs and the step summary.
import { visibleLog, type ActionResult } from '../test/e2e/run-action.js'
import { errorMessage } from '../test/e2e/scenario.js'
import { startStorageScenario } from '../test/e2e/storage-scenario.js'
import { workspaceArmId } from '../test/fake-azure/batch-job.js'
import { writeCheckout } from '../test/checkout.js'

type Inputs = Record<string, string | undefined>

const scenario = await startStorageScenario()
const results: { result: ActionResult; expectedExit: number }[] = []
try {
  section('A push of new data: the step submits a scoring job (the endpoint first answers 503, then accepts)')
  scenario.fake.fail('submit', {
    status: 503,
    headers: { 'retry-after': '1' },
    body: '{"error":{"code":"ServiceUnavailable","message":"Busy"}}'
  })
  const submitted = await run({})
  console.log(
    `\nthe fake endpoint saw ${scenario.fake.requestsTo('submit').length} POSTs and created ${scenario.fake.jobs.length} job.`
  )

  section("With wait: true the step follows the job to its end, showing the scoring step's progress as it runs")
  scenario.fake.setJobStatuses(['Preparing', 'Running', 'Running', 'Running', 'Completed'])
  scenario.fake.runHistory.scoring = {
    logs: {
      'logs/job_progress_overview.20261128083000.txt': [
        '2026-11-28 08:31:02 Total mini batches: 40\n2026-11-28 08:31:02 Processed mini batches: 0\n',
        '2026-11-28 08:32:05 Processed mini batches: 12, succeeded: 11, failed: 1\n',
        '2026-11-28 08:33:09 Processed mini batches: 31, succeeded: 30, failed: 1\n',
        '2026-11-28 08:33:40 Processed mini batches: 40, succeeded: 39, failed: 1\n'
      ],
      'logs/user/error.txt': ['', "ValueError: could not convert string to float: 'n/a' (b.csv, row 17)\n"]
    }
  }
  await run({ wait: 'true', 'poll-interval': '1s', 'resource-manager-endpoint': scenario.fake.url })
  scenario.fake.runHistory.scoring = undefined

  section('dry-run: true validates every input and shows the request, sending nothing')
  const before = scenario.fake.requests.length
  await run({ 'dry-run': 'true', 'deployment-name': 'blue', 'mini-batch-size': '20', tags: 'team: ml-platform' })
  console.log(`\nrequests the fake saw during the dry run: ${scenario.fake.requests.length - before}`)

  section('input-path: files of the checkout go up to the workspace datastore, and exactly those are scored')
  const ws = scenario.fake.batchEndpoint.workspace
  const uploaded = await run(
    {
      'input-uri': undefined,
      'input-path': 'data/incoming/**/*.csv',
      workspace: workspaceArmId(ws),
      'resource-manager-endpoint': scenario.fake.url
    },
    { GITHUB_WORKSPACE: checkout() }
  )
  const blobs = await scenario.listBlobs(uploaded.outputs['input-uri']?.replace(/^.*\/paths\//, ''))
  console.log(`\nblobs in the datastore under that folder: ${blobs.join(', ')}`)

  section('The same step with a client secret ID pasted instead of its value')
  await run({ 'client-secret': 'b1f0c1de-0000-4000-8000-000000000000' }, {}, 1)

  section('The whole loop: files pushed, uploaded, scored, waited on, and the predictions brought back')
  const loop = {
    'input-uri': undefined,
    'input-path': 'data/incoming',
    workspace: workspaceArmId(ws),
    wait: 'true',
    'poll-interval': '1s',
    'resource-manager-endpoint': scenario.fake.url,
    'download-path': 'predictions'
  }
  const loopEnv = { GITHUB_WORKSPACE: checkout(), GITHUB_JOB: 'score' }
  scenario.fake.setJobStatuses(['Preparing', 'Running', 'Completed'])
  await run(loop, loopEnv)

  section('The same step when the scoring script fails: the reason, from run history and the step logs')
  scenario.fake.setJobStatuses(['Preparing', 'Running', 'Failed'])
  scenario.fake.runHistory.failure = {
    jobError: {
      code: 'UserError',
      message:
        "Execution failed. User process '/azureml-envs/azureml_1/bin/python' exited with status code 42. " +
        "Please check log file 'user_logs/std_log_0.txt'"
    },
    stepError: { code: 'UserError', message: 'No succeeded mini batch item returned from run()' },
    logs: {
      'logs/job_progress_overview.20261128083000.txt':
        'Total mini batches: 2\nProcessed mini batches: 2, succeeded: 0, failed: 2\nThe job failed: see logs/user/error.txt\n',
      'logs/user/error.txt':
        'Traceback (most recent call last):\n  File "score.py", line 31, in run\n' +
        "ValueError: could not convert string to float: 'n/a'\n"
    }
  }
  await run(loop, { ...loopEnv, GITHUB_WORKSPACE: checkout() }, 1)

  const leaks = results.flatMap(({ result }) => scenario.leaks(result))
  console.log(`\nsecrets or tokens in logs, outputs or summaries: ${leaks.length === 0 ? 'none' : leaks.join(', ')}`)
  const asExpected = results.every(({ result, expectedExit }) => result.exitCode === expectedExit)
  process.exitCode = asExpected && leaks.length === 0 && submitted.exitCode === 0 ? 0 : 1
} finally {
  await scenario.close()
}

/** Runs the action with the scenario's inputs and these, printing the step as a workflow would hold it, then its result. */
async function run(overrides: Inputs, env: Record<string, string> = {}, expectedExit = 0): Promise<ActionResult> {
  const inputs = { ...scenario.inputs, ...overrides }
  console.log('- uses: your-org/azureml-batch-score@v1\n  with:')
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue
    const shown =
      name === 'client-secret' && value === scenario.app.clientSecret ? '${{ secrets.AZURE_CLIENT_SECRET }}' : value
    console.log(`    ${name}: ${shown.includes('\n') || shown.includes(': ') ? JSON.stringify(shown) : shown}`)
  }
  const result = await scenario.run(overrides, { env })
  results.push({ result, expectedExit })
  // What the runner shows without step debug logging: no ::debug:: lines.
  console.log(
    `\nlog:\n${indent(
      visibleLog(result)
        .replace(/^::debug::.*\n/gm, '')
        .trim()
    )}`
  )
  console.log(`\nexit code ${result.exitCode}`)
  if (result.exitCode !== 0) console.log(`the error, as the runner shows it:\n${indent(errorMessage(result))}`)
  const outputs = Object.entries(result.outputs)
  if (outputs.length > 0) console.log(`outputs:\n${outputs.map(([name, value]) => `  ${name} = ${value}`).join('\n')}`)
  // A dry run's summary repeats its log.
  if (result.summary.trim() && !inputs['dry-run']) console.log(`step summary:\n${indent(result.summary.trim())}`)
  return result
}

// A checkout with new data in it, as actions/checkout would leave it.
function checkout(): string {
  return writeCheckout(
    { 'data/incoming/2026/11/a.csv': 'age,chol\n63,233\n', 'data/incoming/2026/11/b.csv': 'age,chol\n37,250\n' },
    'demo-checkout-'
  )
}

function section(title: string): void {
  console.log(`\n=== ${title}\n`)
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ')
}
