// actionlint, offline, on workflows that use this action as a local action (`uses: ./`): it then reads the project's
// own action.yml and checks every `with:` key against its inputs and `steps.<id>.outputs.<name>` against its outputs.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'

export interface Finding {
  /** The workflow's name, as given to lintWorkflows. */
  workflow: string
  line: number
  column: number
  message: string
  kind: string
}

const worker = join(import.meta.dirname, 'actionlint-worker.js')

// actionlint 1.7.7, the one the package bundles, predates the node24 runner that action.yml names (and that the
// runner has run since v2.327.1); every other finding about action.yml counts.
const outdated = [/^invalid runner name "node24" at runs\.using /]

/**
 * Lints each workflow (name → YAML text) in a throwaway project holding a copy of `actionYml` at its root, as a
 * checkout of this repository would, and returns what actionlint found.
 */
export function lintWorkflows(workflows: Record<string, string>, actionYml: string): Finding[] {
  const project = mkdtempSync(join(tmpdir(), 'actionlint-'))
  try {
    // actionlint takes a folder with .git and .github/workflows as a project, and resolves `uses: ./` in it.
    mkdirSync(join(project, '.git'))
    mkdirSync(join(project, '.github', 'workflows'), { recursive: true })
    writeFileSync(join(project, 'action.yml'), actionYml)
    // runs.main and runs.post must name files that exist.
    const { runs } = parseYaml(actionYml) as { runs: Record<string, unknown> }
    for (const entry of [runs['main'], runs['post']].filter(e => typeof e === 'string')) {
      mkdirSync(dirname(join(project, entry)), { recursive: true })
      writeFileSync(join(project, entry), '')
    }
    // The examples' self-hosted runner label (a managed identity needs a runner on Azure).
    writeFileSync(join(project, '.github', 'actionlint.yaml'), 'self-hosted-runner:\n  labels: [azure]\n')
    const files = Object.entries(workflows).map(([name, text], index) => {
      const file = join(project, '.github', 'workflows', `${index}.yml`)
      writeFileSync(file, text)
      return { file, name }
    })
    const run = spawnSync(process.execPath, [worker, ...files.map(({ file }) => file)], {
      encoding: 'utf8',
      timeout: 60_000
    })
    if (run.status !== 0) throw new Error(`actionlint did not run (${run.status ?? run.signal}): ${run.stderr}`)
    const found = JSON.parse(run.stdout) as (Omit<Finding, 'workflow'> & { file: string })[]
    return found
      .filter(({ message }) => !outdated.some(pattern => pattern.test(message)))
      .map(({ file, line, column, message, kind }) => ({
        workflow: files.find(entry => entry.file === file)?.name ?? file,
        line,
        column,
        message,
        kind
      }))
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}
