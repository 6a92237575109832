import { newestLog, progressLog, userErrorLog } from '../../src/run-history/log-names.js'

describe('newestLog', () => {
  it('picks the newest timestamped progress log, the plain name being the oldest', () => {
    const logFiles = {
      'logs/job_progress_overview.txt': 'https://a.blob.core.windows.net/c/1',
      'logs/job_progress_overview.20261128083000.txt': 'https://a.blob.core.windows.net/c/2',
      'logs/job_progress_overview.20261128093000.txt': 'https://a.blob.core.windows.net/c/3',
      'logs/user/error.txt': 'https://a.blob.core.windows.net/c/4'
    }
    expect(newestLog(logFiles, progressLog)).toBe('logs/job_progress_overview.20261128093000.txt')
    expect(newestLog({ 'logs/job_progress_overview.txt': 'u' }, progressLog)).toBe('logs/job_progress_overview.txt')
    expect(newestLog(logFiles, userErrorLog)).toBe('logs/user/error.txt')
  })

  it('orders by the file name, not by the folder above it', () => {
    const logFiles = {
      'z/logs/job_progress_overview.20261128083000.txt': 'u',
      'a/logs/job_progress_overview.20261128093000.txt': 'u'
    }
    expect(newestLog(logFiles, progressLog)).toBe('a/logs/job_progress_overview.20261128093000.txt')
  })

  it('passes by names of other logs and values that are no URL', () => {
    expect(newestLog({ 'logs/job_progress_overview.txt': 7, 'logs/other.txt': 'u' }, progressLog)).toBeUndefined()
    expect(newestLog(null, progressLog)).toBeUndefined()
  })
})
