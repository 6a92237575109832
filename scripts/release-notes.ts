// `tsx scripts/release-notes.ts 1.2.0`: prints CHANGELOG.md's section for that version, the notes of its GitHub
// release. Fails when the changelog has no such section, so a release cannot go out undescribed.
import { readFileSync } from 'node:fs'
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
  if (notes === '') throw new Error(`CHANGELOG.md's section for ${version} is empty.`)
  return `${notes}\n`
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const version = (process.argv[2] ?? '').replace(/^v/, '')
  const changelog = readFileSync(join(resolve(import.meta.dirname, '..'), 'CHANGELOG.md'), 'utf8')
  try {
    process.stdout.write(releaseNotes(changelog, version))
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  }
}
