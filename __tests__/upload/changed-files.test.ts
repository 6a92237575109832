import { changedFilesFromCompare, changedFilesFromPush } from '../../src/upload/changed-files.js'

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
