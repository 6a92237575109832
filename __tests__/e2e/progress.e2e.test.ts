// The scoring step's progress while the action waits, end to end: dist/index.js reads the batchscoring step's logs
// from run history (on the workspace's regional API host, reached through the test proxy) beside its status reads.
// The logs are append blobs in Azurite behind pre-signed URLs, and grow at each status read (ScoringLogScript).
import type { ActionResult } from '../../test/e2e/run-action.js'
import { cancelLikeTheRunner, until } from '../../test/e2e/runner-cancel.js'
import { errorMessage } from '../../test/e2e/scenario.js'
import { startStorageScenario, type StorageScenario } from '../../test/e2e/storage-scenario.js'
import type { ScoringLogScript } from '../../test/fake-azure/run-history.js'

let scenario: StorageScenario
afterEach(async () => scenario?.close())

const progressLog = 'logs/job_progress_overview.20261128083000.txt'
const newerProgressLog = 'logs/job_progress_overview.20261128093000.txt'
const errorLog = 'logs/user/error.txt'

async function waitingOn(logs: ScoringLogScript['logs'], runningReads: number) {
  const statuses = ['Preparing', ...Array.from({ length: runningReads }, () => 'Running'), 'Completed']
  scenario = await startStorageScenario({ jobStatuses: statuses })
  scenario.fake.runHistory.scoring = { logs }
  return { wait: 'true', 'poll-interval': '1s', 'resource-manager-endpoint': scenario.fake.url }
}

/** The lines of the "Wait for the job" group. */
function waitGroup(result: ActionResult): string[] {
  const lines = result.stdout.split('\n')
  const start = lines.indexOf('::group::Wait for the job to finish')
  return lines.slice(start + 1, lines.indexOf('::endgroup::', start))
}

function logReads(name?: string) {
  return scenario.blobFrontEnd.requests.filter(
    r => r.path.startsWith('/azureml/ExperimentRun/') && (name === undefined || r.path.split('?')[0]!.endsWith(name))
  )
}

function notices(result: ActionResult): string[] {
  return result.stdout.split('\n').filter(line => line.startsWith('::notice::'))
}

describe('the scoring step while the job runs', () => {
  it('shows each progress line once, in order, and the first errors, before the final status', async () => {
    const errors = Array.from({ length: 25 }, (_, i) => `ValueError: row ${i} of b.csv: could not convert 'n/a'`)
    const inputs = await waitingOn(
      {
        // A line cut by a part is written whole only at the next status read.
        [progressLog]: ['created: 4\nprocessed: 0\nproce', 'ssed: 1\n', '', 'processed: 2\n', 'processed: 3 (last)\n'],
        // The service starts a newer file while the older one still gets its last line.
        [newerProgressLog]: [null, null, null, null, 'processed: 4\n', 'processed: 4 of 4\n'],
        [errorLog]: ['', 'ValueError: bad row in a.csv\n', `${errors.join('\n')}\n`]
      },
      5
    )
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(0)
    const group = waitGroup(result)
    const scoring = group.filter(line => line.startsWith('  scoring: '))
    expect(scoring).toEqual(
      [
        'created: 4',
        'processed: 0',
        'processed: 1',
        'processed: 2',
        'processed: 3 (last)',
        'processed: 4',
        'processed: 4 of 4'
      ].map(line => `  scoring: ${line}`)
    )
    const running = group.indexOf('Status: Running')
    const completed = group.indexOf('Status: Completed')
    expect(running).toBeGreaterThan(0)
    expect(group.indexOf('  scoring: created: 4')).toBeGreaterThan(running)
    expect(group.indexOf('  scoring: processed: 4 of 4')).toBeLessThan(completed)
    // The first error shows while the job runs, before progress written after it.
    const firstError = group.indexOf('  scoring error: ValueError: bad row in a.csv')
    expect(firstError).toBeGreaterThan(running)
    expect(firstError).toBeLessThan(group.indexOf('  scoring: processed: 2'))
    // At most 20 error lines a poll, then how many more; every line counted.
    const errorLines = group.filter(line => line.startsWith('  scoring error: '))
    const more = errorLines.filter(line => /^ {2}scoring error: … \d+ more lines?$/.test(line))
    expect(more.length).toBeGreaterThan(0)
    const hidden = more.reduce((sum, line) => sum + Number(/(\d+) more/.exec(line)![1]), 0)
    expect(errorLines.length - more.length + hidden).toBe(26)
    expect(errorLines.length - more.length).toBeLessThanOrEqual(20 * 2)
    expect(result.summary).toContain('| Scoring progress | `processed: 4 of 4` |')
    expect(result.summary).toContain('| Scoring errors | `26 lines in logs/user/error.txt` |')
    // Pre-signed: the log reads carry their signature and no token.
    expect(logReads().length).toBeGreaterThan(0)
    expect(logReads().every(r => r.auth === 'SAS')).toBe(true)
    expect(notices(result)).toEqual([])
    expect(scenario.leaks(result)).toEqual([])
    for (const url of scenario.outputs.logUrls) {
      expect(result.stdout).not.toContain(new URL(url).searchParams.get('sig'))
    }
  })

  it('reads a log that grows to 5 MB about once in all, not once a poll, showing the newest 100 lines a read', async () => {
    const line = (i: number) => `${String(i).padStart(6, '0')} ${'mini-batch processed '.repeat(9)}\n`
    const parts = Array.from({ length: 10 }, (_, part) =>
      Array.from({ length: 2_600 }, (_, i) => line(part * 2_600 + i)).join('')
    )
    // Each part ends inside a line, which the next part finishes.
    const cutParts = parts.map(
      (part, i) => `${i === 0 ? '' : parts[i - 1]!.slice(-50)}${i === parts.length - 1 ? part : part.slice(0, -50)}`
    )
    const written = parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0)
    expect(written).toBeGreaterThan(5_000_000)
    const inputs = await waitingOn({ [progressLog]: cutParts }, 10)
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(0)
    const shown = waitGroup(result).filter(l => l.startsWith('  scoring: '))
    // Each read shows its newest 100 lines, after how many earlier ones it leaves out: every line is shown or
    // counted once, in order, and the last one is shown.
    let next = 0
    for (const shownLine of shown) {
      const skipped = /^ {2}scoring: … (\d+) earlier lines?$/.exec(shownLine)
      if (skipped) next += Number(skipped[1])
      else expect(shownLine).toBe(`  scoring: ${line(next++).slice(0, -1)}`)
    }
    expect(next).toBe(26_000)
    expect(shown.length).toBeLessThanOrEqual(10 * 101)
    const reads = logReads(progressLog)
    expect(reads.every(r => r.status === 206 || r.status === 416)).toBe(true)
    const fetched = reads.filter(r => r.status === 206).reduce((sum, r) => sum + r.bytes, 0)
    // What was written, and the cut line of each read once more.
    expect(fetched).toBeGreaterThanOrEqual(written)
    expect(fetched).toBeLessThan(written + reads.length * 1_000)
  })

  it.each([403, 404, 500])('waits on as without it, with one notice, when a log answers %i', async status => {
    const inputs = await waitingOn({ [progressLog]: ['processed: 0\n', 'processed: 1\n'] }, 3)
    scenario.blobFrontEnd.refusedDownloads.set(progressLog, status)
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Completed')
    expect(notices(result)).toEqual([
      `::notice::Could not read the scoring step's progress (log ${progressLog}: HTTP ${status}); waiting for the job without it.`
    ])
    expect(scenario.fake.requestsTo('armGetJob')).toHaveLength(5)
    // The first refusal ends the reading: no log or run history request after it.
    expect(logReads(progressLog)).toHaveLength(status === 500 ? 3 : 1)
    expect(scenario.fake.requestsTo('runDetails')).toHaveLength(1)
    expect(result.summary).not.toContain('Scoring')
  })

  it('waits on as without it, with one notice, when run history refuses', async () => {
    const inputs = await waitingOn({ [progressLog]: ['processed: 0\n'] }, 3)
    const refusal = { status: 403, body: '{"error":{"code":"AuthorizationFailed","message":"no access"}}' }
    scenario.fake.fail('runChildren', refusal)
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(0)
    expect(result.outputs['status']).toBe('Completed')
    expect(notices(result)).toHaveLength(1)
    expect(notices(result)[0]).toMatch(
      /^::notice::Could not read the scoring step's progress \(the job's steps: .*no access/
    )
    expect(scenario.fake.requestsTo('armGetJob')).toHaveLength(5)
    expect(scenario.fake.requestsTo('runChildren')).toHaveLength(1)
    expect(scenario.fake.requestsTo('runDetails')).toHaveLength(0)
    expect(logReads()).toHaveLength(0)
  })

  it('keeps log lines that look like commands, escapes or markdown as text, in the log and the summary', async () => {
    const crafted = [
      '::error::x',
      '::stop-commands::tok3n',
      '\u001b[31mred\u001b[0m ##[warning]w',
      '[click](https://evil.example) <img src=x onerror=alert(1)> | `code`'
    ]
    const inputs = await waitingOn({ [progressLog]: [`${crafted.join('\n')}\n`] }, 1)
    const result = await scenario.run(inputs)
    expect(result.exitCode).toBe(0)
    const lines = result.stdout.split('\n')
    expect(lines.some(line => /^\s*::(error|stop-commands)::/.test(line))).toBe(false)
    expect(lines).toContain('  scoring: \\x3a:error::x')
    expect(lines).toContain('  scoring: \\x3a:stop-commands::tok3n')
    expect(lines).toContain('  scoring: \\u001b[31mred\\u001b[0m #\\x23[warning]w')
    expect(result.stdout).not.toContain('\u001b')
    expect(result.stdout).not.toContain('##[warning]')
    // The summary shows the last line as a code span, which GitHub renders as text.
    expect(result.summary).toContain(
      '| Scoring progress | `` [click](https://evil.example) <img src=x onerror=alert(1)> \\| `code` `` |'
    )
  })

  it('leaves the reason of a job that failed to the diagnosis, which reads the same logs after the wait', async () => {
    scenario = await startStorageScenario({ jobStatuses: ['Preparing', 'Running', 'Running', 'Failed'] })
    scenario.fake.runHistory.scoring = {
      logs: {
        [progressLog]: ['created: 2\n', 'processed: 1, failed: 1\n', 'processed: 2, failed: 2\n'],
        [errorLog]: ['', 'ValueError: could not convert string to float\n']
      }
    }
    scenario.fake.runHistory.failure = { stepError: { code: 'UserError', message: 'No succeeded mini batch item' } }
    const result = await scenario.run({
      wait: 'true',
      'poll-interval': '1s',
      'resource-manager-endpoint': scenario.fake.url
    })
    expect(result.exitCode).toBe(1)
    expect(result.outputs['error-message']).toBe('UserError: No succeeded mini batch item')
    const group = waitGroup(result)
    expect(group.filter(line => line.startsWith('  scoring'))).toEqual([
      '  scoring: created: 2',
      '  scoring: processed: 1, failed: 1',
      '  scoring error: ValueError: could not convert string to float',
      '  scoring: processed: 2, failed: 2'
    ])
    expect(group.at(-1)).toBe('Status: Failed')
    const diagnosis = result.stdout.slice(result.stdout.indexOf('::group::Why the job failed'))
    expect(diagnosis).toContain(`Last 3 lines of ${progressLog}:`)
    expect(diagnosis).toContain('Last 1 lines of logs/user/error.txt:')
    expect(result.summary).toContain('| Scoring progress | `processed: 2, failed: 2` |')
    expect(result.summary).toContain('| Scoring errors | `1 line in logs/user/error.txt` |')
    expect(notices(result)).toEqual([])
  })

  it('ends at the first signal when the run is cancelled while run history is read, and cancels the job', async () => {
    const inputs = await waitingOn({ [progressLog]: ['processed: 0\n'] }, 100)
    scenario.fake.fail('runChildren', { hang: true })
    const running = scenario.start(inputs)
    await until(() => scenario.fake.requestsTo('runChildren').length > 0, 'the first read of the scoring step')
    const result = await cancelLikeTheRunner(running)
    expect(result.signalsSent).toEqual(['SIGINT'])
    expect(result.exitCode).toBe(1)
    expect(notices(result)).toEqual([])
    expect(scenario.fake.requestsTo('armCancelJob')).toHaveLength(1)
    expect(errorMessage(result)).toMatch(/^The workflow run was cancelled while waiting for job batchjob-\S+\. /)
  })

  it('reads no log and asks run history nothing with show-progress: false', async () => {
    const inputs = await waitingOn({ [progressLog]: ['processed: 0\n', 'processed: 1\n'] }, 2)
    const result = await scenario.run({ ...inputs, 'show-progress': 'false' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).not.toContain('scoring:')
    expect(result.summary).not.toContain('Scoring')
    for (const route of ['armGetWorkspace', 'discovery', 'runChildren', 'runDetails'] as const) {
      expect(scenario.fake.requestsTo(route)).toHaveLength(0)
    }
    expect(logReads()).toHaveLength(0)
  })
})
