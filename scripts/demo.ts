// `npm run demo`: the built action (dist/index.js) runs, as the GitHub runner would run it, against the fake Azure
// on 127.0.0.1, and this prints what a workflow author would see: the log, the outputs and the step summary.
import { startScenario, errorMessage } from '../test/e2e/scenario.js'
import { visibleLog } from '../test/e2e/run-action.js'

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
  console.log(`\nsecrets or tokens in logs, outputs or summary: ${leaks.length === 0 ? 'none' : leaks.join(', ')}`)
  process.exitCode =
    result.exitCode === 0 && waited.exitCode === 0 && failed.exitCode === 1 && leaks.length === 0 ? 0 : 1
} finally {
  await scenario.fake.close()
}

function section(title: string): void {
  console.log(`\n=== ${title}\n`)
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ')
}
