// `npm run demo`: the built action (dist/index.js) runs, as the GitHub runner would run it, against the fake Azure
// on 127.0.0.1 (and Azurite for storage), and this prints what a workflow author would see: the log, the outputs and the step summary.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startScenario, errorMessage } from '../test/e2e/scenario.js'
import { visibleLog, type ActionResult } from '../test/e2e/run-action.js'
import { startStorageScenario } from '../test/e2e/storage-scenario.js'

const scenario = await startScenario()
try {
  section('A push of new data: the step submits a scoring job (the endpoint first answers 503, then accepts)')
  scenario.fake.fail('submit', {
    status: 503,
    headers: { 'retry-after': '1' },
    body: '{"error":{"code":"ServiceUnavailable","message":"Busy"}}'
  })
  const result = await scenario.run()
  // What the runner shows without step debug logging: no ::debug:: lines.
  console.log(
    indent(
      visibleLog(result)
        .replace(/^::debug::.*\n/gm, '')
        .trim()
    )
  )
  console.log(`\nexit code ${result.exitCode}; outputs:`)
  for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value}`)
  console.log('\nstep summary:')
  console.log(indent(result.summary.trim()))
  console.log(
    `\nthe fake endpoint saw ${scenario.fake.requestsTo('submit').length} POSTs and created ${scenario.fake.jobs.length} job.`
  )

  section('With wait: true the step follows the job to its end')
  scenario.fake.setJobStatuses(['Preparing', 'Running', 'Running', 'Completed'])
  const waited = await scenario.run({
    wait: 'true',
    'poll-interval': '1s',
    'resource-manager-endpoint': scenario.fake.url
  })
  console.log(
    indent(
      visibleLog(waited)
        .replace(/^::debug::.*\n/gm, '')
        .trim()
    )
  )
  console.log(
    `\nexit code ${waited.exitCode}; status = ${waited.outputs['status']}, duration-seconds = ${waited.outputs['duration-seconds']}`
  )
  console.log('\nstep summary:')
  console.log(indent(waited.summary.trim()))

  section('The same step with a client secret ID pasted instead of its value')
  const failed = await scenario.run({ 'client-secret': 'b1f0c1de-0000-4000-8000-000000000000' })
  console.log(indent(errorMessage(failed)))
  console.log(`\nexit code ${failed.exitCode}`)

  const leaks = [...scenario.leaks(result), ...scenario.leaks(waited), ...scenario.leaks(failed)]
  const loop = await pushToPredictions()
  leaks.push(...loop.leaks)
  console.log(`\nsecrets or tokens in logs, outputs or summary: ${leaks.length === 0 ? 'none' : leaks.join(', ')}`)
  process.exitCode =
    result.exitCode === 0 && waited.exitCode === 0 && failed.exitCode === 1 && loop.ok && leaks.length === 0 ? 0 : 1
} finally {
  await scenario.fake.close()
}

/** The whole loop on real blob storage (Azurite): files pushed, uploaded, scored, waited on, predictions back. */
async function pushToPredictions(): Promise<{ ok: boolean; leaks: string[] }> {
  const storage = await startStorageScenario()
  try {
    const checkout = mkdtempSync(join(tmpdir(), 'demo-checkout-'))
    for (const [path, content] of Object.entries({
      'data/incoming/patient-0001.csv': 'age,sex,chol\n63,1,233\n',
      'data/incoming/patient-0002.csv': 'age,sex,chol\n37,1,250\n',
      'data/incoming/patient-0003.csv': 'age,sex,chol\n41,0,204\n'
    })) {
      mkdirSync(join(checkout, path, '..'), { recursive: true })
      writeFileSync(join(checkout, path), content)
    }
    const ws = storage.fake.batchEndpoint.workspace
    const inputs = {
      'input-uri': undefined,
      'input-path': 'data/incoming',
      workspace:
        `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
        `/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}`,
      wait: 'true',
      'poll-interval': '1s',
      'resource-manager-endpoint': storage.fake.url,
      'download-path': 'predictions'
    }
    const env = { GITHUB_WORKSPACE: checkout, GITHUB_JOB: 'score' }

    section('Files pushed to data/incoming: uploaded, scored, waited on, and the predictions brought back')
    const scored = await storage.run(inputs, { env })
    show(scored, ['output-uri', 'downloaded-files', 'results-file'])

    section('The same step when the scoring script fails: the reason, from run history and the step logs')
    storage.fake.setJobStatuses(['Preparing', 'Running', 'Failed'])
    storage.fake.runHistory.failure = {
      jobError: {
        code: 'UserError',
        message:
          "Execution failed. User process '/azureml-envs/azureml_1/bin/python' exited with status code 42. " +
          "Please check log file 'user_logs/std_log_0.txt'"
      },
      stepError: { code: 'UserError', message: 'No succeeded mini batch item returned from run()' },
      logs: {
        'logs/job_progress_overview.20261128083000.txt':
          'Total mini batches: 3\nProcessed mini batches: 3, succeeded: 0, failed: 3\nThe job failed: see logs/user/error.txt\n',
        'logs/user/error.txt':
          'Traceback (most recent call last):\n  File "score.py", line 31, in run\n' +
          "ValueError: could not convert string to float: 'n/a'\n"
      }
    }
    const explained = await storage.run(inputs, { env })
    show(explained, ['status', 'error-message'])
    return {
      ok: scored.exitCode === 0 && explained.exitCode === 1,
      leaks: [...storage.leaks(scored), ...storage.leaks(explained)]
    }
  } finally {
    await storage.close()
  }
}

function show(result: ActionResult, outputs: string[]): void {
  console.log(
    indent(
      visibleLog(result)
        .replace(/^::debug::.*\n/gm, '')
        .trim()
    )
  )
  console.log(`\nexit code ${result.exitCode}; outputs:`)
  for (const name of outputs) console.log(`  ${name} = ${result.outputs[name] ?? '(not set)'}`)
  console.log('\nstep summary:')
  console.log(indent(result.summary.trim()))
}

function section(title: string): void {
  console.log(`\n=== ${title}\n`)
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ')
}
