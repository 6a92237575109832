import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'

// Runs the built action the way the GitHub runner does: `node dist/index.js` with each input as an INPUT_<NAME>
// variable (upper-cased, hyphens kept), action.yml's defaults filled in, and file commands for outputs, state and
// the step summary. The environment is built from nothing, so nothing of the developer's (a proxy, Azure
// variables) leaks into a test.

export const repoRoot = resolve(import.meta.dirname, '../..')

interface ActionYaml {
  inputs: Record<string, { default?: string }>
  runs: { main: string; post?: string }
}
const actionYaml = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as ActionYaml

export interface RunOptions {
  /** Inputs as a workflow's `with:` gives them; undefined means "not given". */
  inputs: Record<string, string | undefined>
  caFile: string
  env?: Record<string, string>
  /** `main` (default) or `post`. */
  entry?: 'main' | 'post'
  /** Reuse the state files of an earlier run (for post). */
  workDir?: string
  /** A program to run node under, with its arguments (the benchmark's /usr/bin/time). */
  wrapper?: string[]
  /** A script to run instead of action.yml's entry (the benchmark's baseline). */
  script?: string
}

export interface ActionResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  state: Record<string, string>
  /** Values the action asked the runner to mask. */
  masked: string[]
  workDir: string
}

export interface RunningAction {
  child: ChildProcess
  /** Resolves with the first stdout line that matches, to time signals against what the action is doing. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>
  result: Promise<ActionResult>
}

export function startAction(options: RunOptions): RunningAction {
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'action-run-'))
  const files = {
    GITHUB_OUTPUT: join(workDir, 'output'),
    GITHUB_STEP_SUMMARY: join(workDir, 'summary.md'),
    GITHUB_STATE: join(workDir, 'state')
  }
  for (const file of Object.values(files)) writeFileSync(file, '', { flag: 'a' })
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: workDir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'contoso/heart-data',
    GITHUB_WORKFLOW: 'score',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    RUNNER_TEMP: workDir,
    NODE_EXTRA_CA_CERTS: options.caFile,
    ...files,
    ...inputVariables(options.inputs),
    ...options.env
  }
  // Post steps read the state main saved: the runner passes it back as STATE_<name>.
  if (options.entry === 'post') {
    for (const [name, value] of Object.entries(readCommandFile(files.GITHUB_STATE))) env[`STATE_${name}`] = value
  }
  const entry = options.entry === 'post' ? actionYaml.runs.post : actionYaml.runs.main
  if (!entry) throw new Error(`action.yml has no ${options.entry} entry`)
  const script = options.script ?? join(repoRoot, entry)
  const [command = process.execPath, ...args] = [...(options.wrapper ?? []), process.execPath, script]
  const child = spawn(command, args, {
    cwd: workDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  const watchers: { pattern: RegExp; resolve: (line: string) => void }[] = []
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
    for (const watcher of [...watchers]) {
      const line = stdout.split('\n').find(l => watcher.pattern.test(l))
      if (line !== undefined) {
        watchers.splice(watchers.indexOf(watcher), 1)
        watcher.resolve(line)
      }
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const result = new Promise<ActionResult>((resolveResult, reject) => {
    child.on('error', reject)
    child.on('close', (exitCode, signal) =>
      resolveResult({
        exitCode,
        signal,
        stdout,
        stderr,
        outputs: readCommandFile(files.GITHUB_OUTPUT),
        summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
        state: readCommandFile(files.GITHUB_STATE),
        masked: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map(m => m[1] ?? ''),
        workDir
      })
    )
  })
  return {
    child,
    result,
    waitForOutput(pattern, timeoutMs = 20_000) {
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no output line matched ${pattern} in ${timeoutMs} ms`)),
          timeoutMs
        )
        watchers.push({
          pattern,
          resolve: line => {
            clearTimeout(timer)
            resolveLine(line)
          }
        })
        child.stdout?.emit('data', '')
      })
    }
  }
}

export function runAction(options: RunOptions): Promise<ActionResult> {
  return startAction(options).result
}

/** The tags a job submitted from a run of this harness carries (from its GITHUB_* variables). */
export const harnessProvenanceTags = {
  'github.repository': 'contoso/heart-data',
  'github.workflow': 'score',
  'github.run_id': '4242',
  'github.run_attempt': '1',
  'github.sha': '0123456789abcdef0123456789abcdef01234567',
  'github.ref': 'refs/heads/main',
  'github.run_url': 'https://github.com/contoso/heart-data/actions/runs/4242'
}

/** What the runner gives for `${{ github.token }}`: the workflow's token, which the fake GitHub API accepts. */
export const workflowToken = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'

/** The INPUT_<NAME> variables the runner sets for these inputs, action.yml's defaults filled in. */
export function inputVariables(inputs: Record<string, string | undefined>): Record<string, string> {
  const variables: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYaml.inputs)) {
    // Defaults are expressions the runner evaluates; github.token is the only one action.yml uses.
    const value = inputs[name] ?? spec.default?.replace('${{ github.token }}', workflowToken)
    if (value !== undefined) variables[`INPUT_${name.toUpperCase()}`] = value
  }
  for (const name of Object.keys(inputs)) {
    if (!(name in actionYaml.inputs)) throw new Error(`test passes input '${name}', which action.yml does not declare`)
  }
  return variables
}

/** Parses the runner's file-command format: `name<<delimiter\nvalue\ndelimiter` (and plain `name=value`). */
export function readCommandFile(path: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = readFileSync(path, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const end = lines.indexOf(delimiter ?? '', i + 1)
      values[name ?? ''] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return values
}

/**
 * The log as a user would read it, with the runner's masking NOT applied: the action must not print a secret at
 * all, so only the `::add-mask::` commands themselves may carry one.
 */
export function visibleLog(result: ActionResult): string {
  return `${result.stdout.replace(/^::add-mask::.*\n?/gm, '')}\n${result.stderr}`
}

/** Every place a secret could surface to a user: log lines, outputs, summary, saved state. */
export function findLeaks(result: ActionResult, secrets: string[]): string[] {
  const places = {
    log: visibleLog(result),
    outputs: JSON.stringify(result.outputs),
    summary: result.summary,
    state: JSON.stringify(result.state)
  }
  const leaks: string[] = []
  for (const secret of secrets.filter(s => s.length >= 4)) {
    for (const [encoding, encoded] of encodings(secret)) {
      for (const [place, text] of Object.entries(places)) {
        if (text.includes(encoded)) leaks.push(`${place} contains ${secret.slice(0, 4)}… (${encoding})`)
      }
    }
  }
  return leaks
}

// The forms a secret takes when a service or a library echoes it: as sent in a URL or a form, in Basic
// authentication or a JSON string, in a JWT segment.
function encodings(secret: string): [string, string][] {
  const bytes = Buffer.from(secret, 'utf8')
  const forms: [string, string][] = [
    ['as it is', secret],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', new URLSearchParams({ s: secret }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['base64', bytes.toString('base64').replace(/=+$/, '')],
    ['base64url', bytes.toString('base64url')]
  ]
  return forms.filter(([, encoded], i) => encoded.length >= 4 && forms.findIndex(([, e]) => e === encoded) === i)
}
