import {
  changedFilesFromCompare,
  changedFilesFromPush,
  comparisonOfPullRequest
} from '../../src/upload/changed-files.js'

const before = 'a'.repeat(40)
const after = 'b'.repeat(40)

describe('changedFilesFromPush', () => {
  it('collects added and modified files across the commits, in order', () => {
    const changed = changedFilesFromPush({
      before,
      after,
      commits: [
        { added: ['data/a.csv', 'data/tmp.csv'], modified: ['README.md'], removed: [] },
        { added: [], modified: ['data/b.csv'], removed: ['data/tmp.csv'] },
        { added: ['data/tmp.csv'], removed: ['data/gone.csv'] }
      ]
    })
    expect(changed).toEqual({ files: new Set(['data/a.csv', 'README.md', 'data/b.csv', 'data/tmp.csv']) })
  })

  it('does not count a file added and then removed within the push', () => {
    const changed = changedFilesFromPush({
      before,
      after,
      commits: [{ added: ['data/x.csv'] }, { removed: ['data/x.csv'] }]
    })
    expect(changed).toEqual({ files: new Set() })
  })

  it('asks the API when the payload may be cut short (20 commits)', () => {
    const commits = Array.from({ length: 20 }, () => ({ added: ['data/a.csv'] }))
    expect(changedFilesFromPush({ before, after, commits })).toEqual({
      compare: { base: before, head: after },
      why: 'the push payload lists only 20 commits'
    })
  })

  it('asks the API after a forced push', () => {
    expect(changedFilesFromPush({ before, after, forced: true, commits: [] })).toMatchObject({
      compare: { base: before, head: after }
    })
  })

  it('compares a new branch with the default branch', () => {
    expect(
      changedFilesFromPush({
        before: '0'.repeat(40),
        after,
        created: true,
        repository: { default_branch: 'main' },
        commits: []
      })
    ).toEqual({ compare: { base: 'main', head: after }, why: 'the push created a branch: compared with main' })
  })
})

describe('changedFilesFromCompare', () => {
  it('keeps what exists after the push', () => {
    expect(
      changedFilesFromCompare([
        { filename: 'data/a.csv', status: 'added' },
        { filename: 'data/b.csv', status: 'modified' },
        { filename: 'data/c.csv', status: 'renamed' },
        { filename: 'data/d.csv', status: 'removed' }
      ])
    ).toEqual(new Set(['data/a.csv', 'data/b.csv', 'data/c.csv']))
  })
})

describe('an event without the fields a comparison needs', () => {
  it('names the missing field of a push', () => {
    expect(() => changedFilesFromPush({ after, forced: true, commits: [] })).toThrow(
      'The push event has no before; without it GitHub cannot say which files changed.'
    )
    expect(() => changedFilesFromPush({ before, forced: true })).toThrow('The push event has no after;')
    expect(() => changedFilesFromPush({ before: '0'.repeat(40), after, created: true })).toThrow(
      'The push event has no repository.default_branch;'
    )
  })

  it('still reads the files a push payload lists without before and after', () => {
    expect(changedFilesFromPush({ commits: [{ added: ['data/a.csv'] }] })).toEqual({ files: new Set(['data/a.csv']) })
  })

  it('names the missing field of a pull request', () => {
    expect(
      comparisonOfPullRequest('pull_request', { pull_request: { base: { sha: before }, head: { sha: after } } })
    ).toEqual({ base: before, head: after })
    expect(() => comparisonOfPullRequest('pull_request', {})).toThrow(
      'The pull_request event has no base.sha; without it GitHub cannot say which files changed. Check the event ' +
        'that started the run (GITHUB_EVENT_PATH), or set changed-only to false'
    )
    expect(() => comparisonOfPullRequest('pull_request_target', { pull_request: { base: { sha: before } } })).toThrow(
      'The pull_request_target event has no head.sha;'
    )
  })
})
