// The project's own workflows (CI, the release) pass actionlint, and every action the workflows, the README and the
// docs use is named at one major version everywhere, so an example never shows another than the workflows run.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { lintWorkflows } from '../test/actionlint.js'

const repoRoot = join(import.meta.dirname, '..')
const workflowsDir = join(repoRoot, '.github', 'workflows')
const workflows = Object.fromEntries(
  readdirSync(workflowsDir)
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => [name, readFileSync(join(workflowsDir, name), 'utf8')])
)

it('finds the CI and release workflows, and actionlint finds nothing in them', () => {
  expect(Object.keys(workflows)).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']))
  expect(lintWorkflows(workflows, readFileSync(join(repoRoot, 'action.yml'), 'utf8'))).toEqual([])
})

it('names each action at one version across the workflows, the README and the docs', () => {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter(name => name.endsWith('.md'))
    .map(name => readFileSync(join(repoRoot, 'docs', name), 'utf8'))
  const texts = [...Object.values(workflows), readFileSync(join(repoRoot, 'README.md'), 'utf8'), ...docs]
  const versions = new Map<string, Set<string>>()
  for (const text of texts) {
    for (const [, action = '', ref = ''] of text.matchAll(/uses: ([\w.-]+\/[\w./-]+)@([\w.-]+)/g)) {
      versions.set(action, (versions.get(action) ?? new Set()).add(ref))
    }
  }
  expect(versions.get('actions/checkout')).toBeDefined()
  const mixed = [...versions].filter(([, refs]) => refs.size > 1).map(([action, refs]) => `${action}: ${[...refs]}`)
  expect(mixed).toEqual([])
})
