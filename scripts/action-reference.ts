// `npm run docs`: the README's reference of inputs and outputs, written from action.yml, the one place they are
// defined. The test in __tests__/action-reference.test.ts fails when the README no longer says what this writes.
import { readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

export const repoRoot = resolve(import.meta.dirname, '..')
export const markers = { start: '<!-- action-reference:start -->', end: '<!-- action-reference:end -->' }

/** The reference's sections, in the order a workflow author meets them. */
export const groups = [
  {
    id: 'sign-in',
    title: 'Sign-in',
    intro: 'How the action signs in to Microsoft Entra ID; see [Setting up Azure](#setting-up-azure).'
  },
  { id: 'what-to-score', title: 'What to score', intro: 'The endpoint, and the data in Azure it scores.' },
  {
    id: 'upload',
    title: 'Files from the repository',
    intro:
      'Upload files of the checkout and score them; see [Scoring files from the repository](#scoring-files-from-the-repository).'
  },
  {
    id: 'job-settings',
    title: 'Job settings',
    intro: "Settings not given are left out of the request: the deployment's own apply."
  },
  { id: 'waiting', title: 'Waiting', intro: 'Follow the job to its end through Azure Resource Manager.' },
  { id: 'results', title: 'Results', intro: 'What the step tells later steps.' }
] as const
export type GroupId = (typeof groups)[number]['id']

// Every input and output belongs to one group. A name here that action.yml lacks is skipped; a name in action.yml
// missing here fails the test, so a new input cannot go undocumented.
export const inputGroups: Record<string, GroupId> = {
  'auth-type': 'sign-in',
  'tenant-id': 'sign-in',
  'client-id': 'sign-in',
  'client-secret': 'sign-in',
  'client-certificate': 'sign-in',
  creds: 'sign-in',
  audience: 'sign-in',
  environment: 'sign-in',
  'authority-host': 'sign-in',
  'endpoint-uri': 'what-to-score',
  'endpoint-name': 'what-to-score',
  'job-id': 'what-to-score',
  'deployment-name': 'what-to-score',
  'input-uri': 'what-to-score',
  'input-type': 'what-to-score',
  'input-name': 'what-to-score',
  inputs: 'what-to-score',
  workspace: 'what-to-score',
  'input-path': 'upload',
  'changed-only': 'upload',
  datastore: 'upload',
  'upload-prefix': 'upload',
  'github-token': 'upload',
  'output-uri': 'job-settings',
  'output-name': 'job-settings',
  'output-file-name': 'job-settings',
  'mini-batch-size': 'job-settings',
  'instance-count': 'job-settings',
  'error-threshold': 'job-settings',
  'max-retries': 'job-settings',
  'retry-timeout': 'job-settings',
  'logging-level': 'job-settings',
  'experiment-name': 'job-settings',
  'job-name': 'job-settings',
  tags: 'job-settings',
  'dry-run': 'job-settings',
  wait: 'waiting',
  'wait-timeout': 'waiting',
  'poll-interval': 'waiting',
  'fail-on-job-failure': 'waiting',
  'cancel-on-timeout': 'waiting',
  'cancel-on-workflow-cancel': 'waiting',
  'show-progress': 'waiting',
  'resource-manager-endpoint': 'waiting',
  'download-path': 'results'
}

export const outputGroups: Record<string, GroupId> = {
  'uploaded-files': 'upload',
  'uploaded-bytes': 'upload',
  'input-uri': 'upload',
  'duration-seconds': 'waiting',
  'job-id': 'results',
  status: 'results',
  'studio-url': 'results',
  'job-resource-id': 'results',
  'output-uri': 'results',
  'downloaded-files': 'results',
  'results-file': 'results',
  'error-message': 'results'
}

export interface ActionMetadata {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

export function readActionMetadata(yamlText: string): ActionMetadata {
  const action = parse(yamlText) as Partial<ActionMetadata>
  return { inputs: action.inputs ?? {}, outputs: action.outputs ?? {} }
}

/** Inputs and outputs of action.yml that no group claims, as `input 'name'` / `output 'name'`. */
export function ungroupedNames(action: ActionMetadata): string[] {
  return [
    ...Object.keys(action.inputs)
      .filter(name => !(name in inputGroups))
      .map(name => `input '${name}'`),
    ...Object.keys(action.outputs)
      .filter(name => !(name in outputGroups))
      .map(name => `output '${name}'`)
  ]
}

// action.yml's descriptions are plain text (editors show them as such); in Markdown, <datastore>, ** and | would
// become tags, emphasis and cell breaks. An underscore inside a word (uri_folder) is text already.
function markdownText(text: string): string {
  return text
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/[\\`*<|[\]]|(?<!\w)_|_(?!\w)/g, character => `\\${character}`)
}

export function inputRow(name: string, input: ActionMetadata['inputs'][string]): string {
  const description = `${input.required ? '**Required.** ' : ''}${markdownText(input.description)}`
  const shownDefault = input.default === undefined || input.default === '' ? '' : `\`${input.default}\``
  return `| \`${name}\` | ${description} | ${shownDefault} |`
}

export function outputRow(name: string, output: ActionMetadata['outputs'][string]): string {
  return `| \`${name}\` | ${markdownText(output.description)} |`
}

/** The reference as Markdown, before formatting. Names in action.yml order within each group. */
export function renderReference(action: ActionMetadata): string {
  const ungrouped = ungroupedNames(action)
  if (ungrouped.length > 0) throw new Error(`No group in scripts/action-reference.ts for ${ungrouped.join(', ')}.`)
  const sections = groups.flatMap(group => {
    const inputs = Object.entries(action.inputs).filter(([name]) => inputGroups[name] === group.id)
    const outputs = Object.entries(action.outputs).filter(([name]) => outputGroups[name] === group.id)
    if (inputs.length === 0 && outputs.length === 0) return []
    const parts = [`### ${group.title}`, group.intro]
    if (inputs.length > 0) {
      parts.push(
        ['| input | meaning | default |', '| --- | --- | --- |', ...inputs.map(([n, i]) => inputRow(n, i))].join('\n')
      )
    }
    if (outputs.length > 0) {
      parts.push(['| output | meaning |', '| --- | --- |', ...outputs.map(([n, o]) => outputRow(n, o))].join('\n'))
    }
    return [parts.join('\n\n')]
  })
  return sections.join('\n\n')
}

/** The README with the reference between the markers replaced, formatted as `prettier --write` would. */
export async function readmeWithReference(readme: string, action: ActionMetadata): Promise<string> {
  const start = readme.indexOf(markers.start)
  const end = readme.indexOf(markers.end)
  if (start < 0 || end < start) throw new Error(`README.md has no ${markers.start} … ${markers.end} section.`)
  const config = (await prettier.resolveConfig(join(repoRoot, 'README.md'))) ?? {}
  const reference = await prettier.format(renderReference(action), { ...config, parser: 'markdown' })
  return `${readme.slice(0, start)}${markers.start}\n\n${reference}\n${readme.slice(end)}`
}

/** The README's reference section, between the markers. */
export function referenceSection(readme: string): string {
  const start = readme.indexOf(markers.start)
  const end = readme.indexOf(markers.end)
  return start < 0 || end < start ? '' : readme.slice(start + markers.start.length, end)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const readmePath = join(repoRoot, 'README.md')
  const action = readActionMetadata(readFileSync(join(repoRoot, 'action.yml'), 'utf8'))
  const readme = readFileSync(readmePath, 'utf8')
  const updated = await readmeWithReference(readme, action)
  writeFileSync(readmePath, updated)
  console.log(
    updated === readme ? 'README.md is up to date.' : 'README.md: the inputs and outputs reference was rewritten.'
  )
}
