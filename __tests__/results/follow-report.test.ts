import { reportFollowResult } from '../../src/results/follow-report.js'
import { settingsFrom } from '../../test/unit/settings-inputs.js'

const settings = (more: Record<string, string> = {}) => settingsFrom({ wait: 'true', ...more })
const studioUrl = 'https://ml.azure.com/runs/batchjob-1'

describe('reportFollowResult', () => {
  it('a completed job ends the step well', () => {
    const report = reportFollowResult(
      { outcome: 'finished', status: 'Completed', studioUrl, durationMs: 725_000 },
      'batchjob-1',
      settings()
    )
    expect(report).toEqual({ level: 'info', message: 'Job batchjob-1 Completed after 12m 5s.' })
  })

  it('a failed job fails the step with the Studio link, unless fail-on-job-failure is false', () => {
    const result = { outcome: 'finished' as const, status: 'Failed', studioUrl, durationMs: 65_000 }
    expect(reportFollowResult(result, 'batchjob-1', settings())).toEqual({
      level: 'error',
      message: `Job batchjob-1 ended Failed after 1m 5s. Its logs: ${studioUrl}`
    })
    expect(reportFollowResult(result, 'batchjob-1', settings({ 'fail-on-job-failure': 'false' })).level).toBe('warning')
  })

  it('a timeout says whether the job was cancelled', () => {
    const timedOut = (cancel: { requested: boolean; error?: string }) =>
      reportFollowResult(
        { outcome: 'timed-out', status: 'Running', studioUrl, cancel: cancel as never },
        'batchjob-1',
        settings({ 'wait-timeout': '90m' })
      )
    expect(timedOut({ requested: true })).toEqual({
      level: 'error',
      message: `Job batchjob-1 did not finish within wait-timeout (1h 30m); its last status was Running. The Azure job batchjob-1 was cancelled. Its logs: ${studioUrl}`
    })
    expect(timedOut({ requested: false }).message).toContain('left running, as cancel-on-timeout is false')
    expect(timedOut({ requested: false, error: 'HTTP 403' }).message).toContain(
      'Cancelling the Azure job failed (HTTP 403)'
    )
  })

  it('a cancelled workflow run says what happened to the job', () => {
    const report = reportFollowResult(
      { outcome: 'interrupted', status: 'Running', studioUrl, cancel: { requested: false } },
      'batchjob-1',
      settings()
    )
    expect(report.message).toBe(
      'The workflow run was cancelled while waiting for job batchjob-1. The Azure job is left running, as cancel-on-workflow-cancel is false.'
    )
  })

  it('a job that is gone fails the step and says what became of it', () => {
    const report = reportFollowResult(
      { outcome: 'vanished', status: 'Running', studioUrl, error: 'HTTP 404 ResourceNotFound: not found' },
      'batchjob-1',
      settings()
    )
    expect(report.level).toBe('error')
    expect(report.message).toBe(
      'Job batchjob-1 no longer exists: Azure Resource Manager showed it before and now answers ' +
        '"HTTP 404 ResourceNotFound: not found". It was deleted while the action waited, or its workspace was; ' +
        'its last status was Running.'
    )
  })

  it('an unreadable status names the role and says the job keeps running', () => {
    const report = reportFollowResult(
      { outcome: 'unreadable', status: 'Preparing', studioUrl, error: 'HTTP 403 AuthorizationFailed: denied' },
      'batchjob-1',
      settings()
    )
    expect(report.level).toBe('error')
    expect(report.message).toContain('HTTP 403 AuthorizationFailed: denied')
    expect(report.message).toContain('The job itself keeps running')
  })

  it('shows service text as data: a status or name cannot start a runner command', () => {
    const report = reportFollowResult(
      { outcome: 'finished', status: 'Failed\n::warning::forged ##[error]x', studioUrl, durationMs: 1_000 },
      'batchjob-1\n::error::x',
      settings()
    )
    expect(report.message).not.toContain('\n')
    expect(report.message).not.toContain('##[')
    expect(report.message).toContain('Failed\\n::warning::forged #\\x23[error]x')
  })
})
