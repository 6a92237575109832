import { classifyStatus, isKnownStatus } from '../../src/follow/job-status.js'

describe('classifyStatus', () => {
  it('only Completed is success', () => {
    expect(classifyStatus('Completed')).toBe('succeeded')
  })
  it.each(['Failed', 'Canceled', 'NotResponding', 'Paused'])('%s is a failure', status => {
    expect(classifyStatus(status)).toBe('failed')
  })
  it.each([
    'NotStarted',
    'Starting',
    'Provisioning',
    'Preparing',
    'Queued',
    'Running',
    'Finalizing',
    'CancelRequested',
    'Unknown'
  ])('%s is still running', status => {
    expect(classifyStatus(status)).toBe('running')
    expect(isKnownStatus(status)).toBe(true)
  })
  it('a status it does not know is still running, and unknown', () => {
    expect(classifyStatus('Hibernating')).toBe('running')
    expect(isKnownStatus('Hibernating')).toBe(false)
  })
})
