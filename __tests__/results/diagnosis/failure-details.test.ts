import { failureReason, lastLines, runError, wantedLogNames } from '../../../src/results/diagnosis/failure-details.js'

describe('runError', () => {
  it("reads run history's nested error, and the bare form", () => {
    expect(runError('job', { error: { error: { code: 'UserError', message: 'boom' } } })).toEqual({
      run: 'job',
      code: 'UserError',
      message: 'boom'
    })
    expect(runError('job', { error: { message: 'bare' } })).toEqual({ run: 'job', code: undefined, message: 'bare' })
    expect(runError('job', { status: 'Failed' })).toBeUndefined()
  })
})

describe('wantedLogNames', () => {
  it('matches the scoring logs by folder and stem, timestamped or not, the newest of each', () => {
    const urls = Object.fromEntries(
      [
        'logs/job_progress_overview.20261128080000.txt',
        'logs/job_progress_overview.20261128083000.txt',
        'logs/user/error.txt',
        'logs/user/error/10.0.0.4/process000.txt',
        'logs/sys/master_role.txt',
        'logs/job_progress_overview_old.txt',
        'user_logs/std_log_0.txt'
      ].map(name => [name, 'https://acct.blob.core.windows.net/x'])
    )
    expect(wantedLogNames(urls)).toEqual(['logs/job_progress_overview.20261128083000.txt', 'logs/user/error.txt'])
    expect(wantedLogNames(undefined)).toEqual([])
  })
})

describe('lastLines and failureReason', () => {
  it('keeps the last lines without trailing blanks', () => {
    expect(lastLines('a\nb\nc\n\n', 2)).toEqual(['b', 'c'])
  })

  it("prefers the scoring step's error, then the job's, then the user error log, then the SDK's words", () => {
    const step = { run: 'batchscoring', code: 'UserError', message: 'step\nfailed' }
    const job = { run: 'job', code: undefined, message: 'job failed' }
    const log = [{ name: 'logs/user/error.txt', lines: ['Traceback', 'ValueError: bad', ''] }]
    expect(failureReason([job, step], log)).toBe('UserError: step failed')
    expect(failureReason([job], log)).toBe('job failed')
    expect(failureReason([], log)).toBe('ValueError: bad')
    expect(failureReason([], [])).toBe('Detailed error not set on the Run. Please check the logs for details.')
  })
})
