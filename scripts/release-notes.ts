// `tsx scripts/release-notes.ts v1.2.0 <notes file>`, run by .github/workflows/release.yml for a pushed tag: checks
// that the tag may be released (a version, package.json's, on main's history, with a changelog section that says
// something), writes that section to the notes file, the notes of its GitHub release, and gives the workflow the
// version, its major tag and whether it is a prerelease as step outputs. Any refusal fails the release before it
// publishes anything.
import { execFileSync } from 'node:child_process'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The body of `## [version]` (its heading left out), up to the next version's heading. */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split('\n')
  const heading = (line: string) => /^## \[/.test(line)
  const start = lines.findIndex(line => heading(line) && line.startsWith(`## [${version}]`))
  if (start < 0) throw new Error(`CHANGELOG.md has no section '## [${version}]': describe the release there first.`)
  const next = lines.findIndex((line, index) => index > start && heading(line))
  const notes = lines
    .slice(start + 1, next < 0 ? undefined : next)
    .join('\n')
    .trim()
  // Headings alone (`### Added` with nothing under it) say nothing either.
  if (!notes.split('\n').some(line => line.trim() !== '' && !/^#+\s/.test(line))) {
    throw new Error(
      `CHANGELOG.md's section for ${version} is empty: move what the release holds from [Unreleased] into it.`
    )
  }
  return `${notes}\n`
}

export interface ReleaseFacts {
  /** The pushed tag, such as v1.2.0. */
  tag: string
  /** package.json's version. */
  packageVersion: string
  changelog: string
  /** Whether the tagged commit is on main's history. */
  onMain: boolean
}

export interface Release {
  version: string
  /** The tag that follows the latest stable release of this major version: v1. */
  major: string
  prerelease: boolean
  notes: string
}

/** What a tag releases, or the reason it may not be released. */
export function checkRelease({ tag, packageVersion, changelog, onMain }: ReleaseFacts): Release {
  const version = tag.replace(/^v/, '')
  if (!tag.startsWith('v') || !/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new Error(`Tag ${tag} is not a version such as v1.2.0.`)
  }
  if (packageVersion !== version) {
    throw new Error(`package.json says ${packageVersion}, the tag says ${version}. Bump package.json first.`)
  }
  // A tag on a branch that never merged would publish code main does not hold, and move v1 to it.
  if (!onMain) {
    throw new Error(`Tag ${tag} is not on main's history: tag a commit of main, once what it releases has merged.`)
  }
  return {
    version,
    major: `v${version.split('.')[0]}`,
    prerelease: version.includes('-'),
    notes: releaseNotes(changelog, version)
  }
}

/** Whether `commit` is `branch` or one of its ancestors, in the repository at `directory`. */
export function isOnHistory(directory: string, commit: string, branch: string): boolean {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', commit, branch], { cwd: directory, stdio: 'pipe' })
    return true
  } catch (error) {
    // Exit status 1 means "not an ancestor"; anything else (an unknown branch or commit) is an error of its own.
    if ((error as { status?: number }).status === 1) return false
    throw new Error(
      `git could not compare ${commit} with ${branch} (is its history fetched? actions/checkout needs fetch-depth: 0): ${String((error as Error).message)}`
    )
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [tag = '', notesFile] = process.argv.slice(2)
  const root = resolve(import.meta.dirname, '..')
  try {
    const release = checkRelease({
      tag,
      packageVersion: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
      changelog: readFileSync(join(root, 'CHANGELOG.md'), 'utf8'),
      onMain: isOnHistory(root, 'HEAD', 'refs/remotes/origin/main')
    })
    if (notesFile) writeFileSync(notesFile, release.notes)
    else process.stdout.write(release.notes)
    const outputs = process.env['GITHUB_OUTPUT']
    if (outputs) {
      const { version, major, prerelease } = release
      appendFileSync(outputs, `version=${version}\nmajor=${major}\nprerelease=${prerelease}\n`)
    }
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}
