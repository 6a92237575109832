// A release's notes are its section of CHANGELOG.md; the released version must have one.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { releaseNotes } from '../scripts/release-notes.js'

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

  it("finds the section of package.json's version in the project's own changelog", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    expect(releaseNotes(readFileSync(join(repoRoot, 'CHANGELOG.md'), 'utf8'), version)).toContain('### Added')
  })
})
