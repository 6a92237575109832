// action.yml is the one definition of the inputs and outputs; the README's reference must say exactly what it says.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  inputRow,
  markers,
  outputRow,
  readActionMetadata,
  readmeWithReference,
  referenceSection,
  renderReference,
  repoRoot,
  ungroupedNames,
  type ActionMetadata
} from '../scripts/action-reference.js'

const action = readActionMetadata(readFileSync(join(repoRoot, 'action.yml'), 'utf8'))
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
const fix = 'Run npm run docs to rewrite the README reference from action.yml.'

// A row as it reads once formatted: cells trimmed, the table's padding gone.
function cells(row: string): string {
  return row
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim())
    .join('|')
}
const readmeRows = new Set(referenceSection(readme).split('\n').map(cells))

describe("the README's reference of inputs and outputs", () => {
  it('puts every input and output of action.yml in a group', () => {
    expect({
      ungrouped: ungroupedNames(action),
      fix: 'add them to inputGroups/outputGroups in scripts/action-reference.ts'
    }).toEqual({
      ungrouped: [],
      fix: expect.any(String)
    })
  })

  it('lists every input and output of action.yml with its description, default and required flag', () => {
    const drift = [
      ...Object.entries(action.inputs)
        .filter(([name, input]) => !readmeRows.has(cells(inputRow(name, input))))
        .map(([name]) => `input '${name}'`),
      ...Object.entries(action.outputs)
        .filter(([name, output]) => !readmeRows.has(cells(outputRow(name, output))))
        .map(([name]) => `output '${name}'`)
    ]
    expect({ missingOrDescribedDifferently: drift, fix }).toEqual({ missingOrDescribedDifferently: [], fix })
  })

  it('is exactly what npm run docs writes', async () => {
    expect(readme).toContain(markers.start)
    const upToDate = (await readmeWithReference(readme, action)) === readme
    expect({ upToDate, fix }).toEqual({ upToDate: true, fix })
  })
})

describe('the reference generator', () => {
  const sample: ActionMetadata = {
    inputs: {
      'endpoint-uri': { description: 'The scoring URI.', required: true },
      'input-type': { description: 'uri_folder or uri_file.', required: false, default: 'uri_folder' },
      'input-path': { description: 'A glob such as data/**/*.csv | <folder>.', required: false }
    },
    outputs: { 'job-id': { description: 'The job.' } }
  }

  it('writes each group with its inputs and outputs, marking the required ones and escaping Markdown', () => {
    const reference = renderReference(sample)
    expect(reference).toContain('### What to score')
    expect(reference).toContain('| `endpoint-uri` | **Required.** The scoring URI. |  |')
    expect(reference).toContain('| `input-type` | uri_folder or uri_file. | `uri_folder` |')
    expect(reference).toContain('| `input-path` | A glob such as data/\\*\\*/\\*.csv \\| \\<folder>. |  |')
    expect(reference).toContain('### Results')
    expect(reference).toContain('| `job-id` | The job. |')
    expect(reference.indexOf('### What to score')).toBeLessThan(reference.indexOf('### Files from the repository'))
  })

  it('refuses an input or output that no group claims, naming it', () => {
    const unknown: ActionMetadata = {
      inputs: { ...sample.inputs, 'brand-new': { description: 'New.' } },
      outputs: { 'new-output': { description: 'New.' } }
    }
    expect(ungroupedNames(unknown)).toEqual(["input 'brand-new'", "output 'new-output'"])
    expect(() => renderReference(unknown)).toThrow("No group in scripts/action-reference.ts for input 'brand-new'")
  })

  it('tolerates grouped names that action.yml does not have (yet)', () => {
    expect(renderReference({ inputs: {}, outputs: { status: { description: 'The status.' } } })).toContain(
      '| `status` | The status. |'
    )
  })

  it('replaces only what is between the markers, the same way every time', async () => {
    const before = `# Title\n\n${markers.start}\nold text\n${markers.end}\n\nAfter.\n`
    const once = await readmeWithReference(before, sample)
    expect(once.startsWith(`# Title\n\n${markers.start}\n`)).toBe(true)
    expect(once.endsWith(`${markers.end}\n\nAfter.\n`)).toBe(true)
    expect(once).not.toContain('old text')
    expect(await readmeWithReference(once, sample)).toBe(once)
  })

  it('says so when the README has no markers', async () => {
    await expect(readmeWithReference('# Title\n', sample)).rejects.toThrow(markers.start)
  })
})
