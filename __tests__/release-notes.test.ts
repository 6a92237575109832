// A release's notes are its section of CHANGELOG.md; the released version must have one that says something, and the
// tag must be on main's history and match package.json.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { checkRelease, isOnHistory, releaseNotes } from '../scripts/release-notes.js'

const repoRoot = join(import.meta.dirname, '..')
const changelog = `# Changelog

## [Unreleased]

- Something new.

## [1.1.0] - 2026-12-01

### Fixed

- A fix.

## [1.0.0] - 2026-11-28

- The first release.
`

describe('releaseNotes', () => {
  it("takes the version's section without its heading, up to the next version", () => {
    expect(releaseNotes(changelog, '1.1.0')).toBe('### Fixed\n\n- A fix.\n')
    expect(releaseNotes(changelog, '1.0.0')).toBe('- The first release.\n')
  })

  it('does not take 1.0.0 for 1.0.0-rc.1, nor a missing version', () => {
    expect(() => releaseNotes(changelog, '1.0.0-rc.1')).toThrow("no section '## [1.0.0-rc.1]'")
    expect(() => releaseNotes(changelog, '2.0.0')).toThrow("no section '## [2.0.0]'")
  })

  it('refuses an empty section: white space, headings alone, or nothing before the next heading', () => {
    const empty = changelog.replace(
      '## [1.1.0] - 2026-12-01\n\n### Fixed\n\n- A fix.\n',
      '## [1.1.0] - 2026-12-01\n\n  \n'
    )
    expect(() => releaseNotes(empty, '1.1.0')).toThrow("CHANGELOG.md's section for 1.1.0 is empty")
    const headingsOnly = changelog.replace('- A fix.\n', '')
    expect(() => releaseNotes(headingsOnly, '1.1.0')).toThrow('is empty')
    const last = '# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-11-28\n'
    expect(() => releaseNotes(last, '1.0.0')).toThrow('is empty')
  })
})

describe('checkRelease', () => {
  const facts = { tag: 'v1.1.0', packageVersion: '1.1.0', changelog, onMain: true }

  it('gives the version, its major tag, whether it is a prerelease, and the notes', () => {
    expect(checkRelease(facts)).toEqual({
      version: '1.1.0',
      major: 'v1',
      prerelease: false,
      notes: '### Fixed\n\n- A fix.\n'
    })
    const rc = `${changelog}\n## [2.0.0-rc.1] - 2026-12-02\n\n- A preview.\n`
    expect(checkRelease({ tag: 'v2.0.0-rc.1', packageVersion: '2.0.0-rc.1', changelog: rc, onMain: true })).toEqual({
      version: '2.0.0-rc.1',
      major: 'v2',
      prerelease: true,
      notes: '- A preview.\n'
    })
  })

  it("refuses a tag that is not on main's history", () => {
    expect(() => checkRelease({ ...facts, onMain: false })).toThrow("Tag v1.1.0 is not on main's history")
  })

  it('refuses a tag whose changelog section is empty or missing', () => {
    const empty = changelog.replace('### Fixed\n\n- A fix.\n', '')
    expect(() => checkRelease({ ...facts, changelog: empty })).toThrow('section for 1.1.0 is empty')
    expect(() => checkRelease({ ...facts, tag: 'v1.2.0', packageVersion: '1.2.0' })).toThrow("no section '## [1.2.0]'")
  })

  it('refuses a tag that is no version, or not the version package.json says', () => {
    expect(() => checkRelease({ ...facts, tag: 'v1.1' })).toThrow('not a version such as v1.2.0')
    expect(() => checkRelease({ ...facts, tag: '1.1.0' })).toThrow('not a version such as v1.2.0')
    expect(() => checkRelease({ ...facts, packageVersion: '1.0.0' })).toThrow('package.json says 1.0.0')
  })

  it("releases package.json's version from the project's own changelog, which describes it", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    const own = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8')
    expect(checkRelease({ tag: `v${version}`, packageVersion: version, changelog: own, onMain: true }).notes).toContain(
      '### Added'
    )
    // Keep a Changelog: an [Unreleased] section always heads the list, empty or not.
    expect(own).toMatch(/^## \[Unreleased\]$/m)
  })
})

it("the project's changelog names every input and output of action.yml, so no release ships one undescribed", () => {
  const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>
    outputs: Record<string, unknown>
  }
  const own = readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8')
  const named = [...Object.keys(action.inputs), ...Object.keys(action.outputs)]
  expect(named.filter(name => !own.includes(`\`${name}\``))).toEqual([])
})

describe('isOnHistory', () => {
  let repo: string
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }
    }).trim()
  const commit = (message: string) => {
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--allow-empty', '-q', '-m', message)
    return git('rev-parse', 'HEAD')
  }

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'release-history-'))
    git('init', '-q', '-b', 'main')
  })
  afterAll(() => rmSync(repo, { recursive: true, force: true }))

  it("tells a commit of main's history from one of a branch that never merged", () => {
    const first = commit('first')
    const tip = commit('second')
    git('checkout', '-q', '-b', 'feature', first)
    const unmerged = commit('on a branch')
    expect(isOnHistory(repo, tip, 'main')).toBe(true)
    expect(isOnHistory(repo, first, 'main')).toBe(true)
    expect(isOnHistory(repo, unmerged, 'main')).toBe(false)
    expect(() => isOnHistory(repo, tip, 'refs/remotes/origin/main')).toThrow('git could not compare')
  })
})
