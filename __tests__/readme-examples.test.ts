// The README's YAML is what users copy into their workflows: each block must parse and pass actionlint against this
// action's own action.yml, keep step outputs and event data out of shell scripts, and the Usage block must list
// exactly action.yml's inputs with their defaults.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { isMap, isScalar, isSeq, parse, parseDocument } from 'yaml'
import { readActionMetadata, repoRoot } from '../scripts/action-reference.js'
import { lintWorkflows } from '../test/actionlint.js'

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
const actionYml = readFileSync(join(repoRoot, 'action.yml'), 'utf8')
const action = readActionMetadata(actionYml)

interface Block {
  /** The README line of the block's first line. */
  line: number
  text: string
}

/** The fenced code blocks of a Markdown text in one language, with the line each starts on. */
function codeBlocks(markdown: string, language: string): Block[] {
  const blocks: Block[] = []
  let open: { line: number; indent: number; lines: string[]; language: string } | undefined
  markdown.split('\n').forEach((text, index) => {
    const fence = /^(\s*)```\s*([\w-]*)\s*$/.exec(text)
    if (open === undefined) {
      if (fence) open = { line: index + 2, indent: fence[1]!.length, lines: [], language: fence[2]! }
    } else if (fence && fence[2] === '') {
      if (open.language === language) blocks.push({ line: open.line, text: `${open.lines.join('\n')}\n` })
      open = undefined
    } else {
      open.lines.push(text.slice(open.indent))
    }
  })
  return blocks
}

/** How a block fits into a workflow: whole, or as which part of one; `data` is YAML that no workflow holds. */
type Shape = 'workflow' | 'workflow-settings' | 'job' | 'steps' | 'step' | 'with' | 'data'

const workflowKeys = ['name', 'run-name', 'on', 'permissions', 'env', 'defaults', 'concurrency', 'jobs']

function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.every(isStep) ? 'steps' : 'data'
  if (value === null || typeof value !== 'object') return 'data'
  const keys = Object.keys(value)
  if (keys.includes('jobs')) return 'workflow'
  if (keys.includes('steps') || keys.includes('runs-on')) return 'job'
  if (isStep(value)) return 'step'
  if (keys.length === 1 && keys[0] === 'with') return 'with'
  if (keys.length > 0 && keys.every(key => workflowKeys.includes(key))) return 'workflow-settings'
  return 'data'
}

function isStep(value: unknown): boolean {
  return value !== null && typeof value === 'object' && ('uses' in value || 'run' in value)
}

const indent = (text: string, spaces: number): string =>
  text
    .split('\n')
    .map(line => (line === '' ? line : `${' '.repeat(spaces)}${line}`))
    .join('\n')

/**
 * The block as a workflow actionlint can check, this action used as a local action (`uses: ./`), and how many lines
 * come before the block's first line in it. Lines are only added around the block, so its lines keep their order.
 */
function asWorkflow(text: string, shape: Shape): { workflow: string; offset: number } {
  const block = text.replace(/\buses:\s*your-org\/azureml-batch-score@[^\s#]+/g, 'uses: ./').replace(/\n+$/, '')
  const job = ['on: push', 'jobs:', '  example:', '    runs-on: ubuntu-latest']
  const wrapped = (head: string[], body: string, tail: string[] = []) => ({
    workflow: [...head, body, ...tail, ''].join('\n'),
    offset: head.length
  })
  switch (shape) {
    case 'workflow':
      return /^on:/m.test(block) ? wrapped([], block) : wrapped(['on: push'], block)
    case 'workflow-settings':
      return wrapped(/^on:/m.test(block) ? [] : ['on: push'], block, [
        ...job.slice(1),
        '    steps:',
        '      - run: exit 0'
      ])
    case 'job':
      return /^runs-on:/m.test(block)
        ? wrapped(job.slice(0, 3), indent(block, 4))
        : wrapped(job.slice(0, 3), indent(block, 4), [job[3]!])
    case 'steps':
      return wrapped([...job, '    steps:'], indent(block, 6))
    case 'step':
      return wrapped([...job, '    steps:'], indent(`- ${indent(block, 2).slice(2)}`, 6))
    case 'with':
      return wrapped([...job, '    steps:', '      - uses: ./'], indent(block, 8))
    case 'data':
      throw new Error('YAML that no workflow holds is only parsed.')
  }
}

/** `run:` scripts that write `${{ }}` into the script itself, found anywhere in a parsed block. */
function expressionsInRun(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(expressionsInRun)
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'run' && typeof inner === 'string' && inner.includes('${{') ? [inner.trim()] : expressionsInRun(inner)
  )
}

/** actionlint's findings on each block, as `README.md:<line>: <message> [<kind>]`. */
function lintBlocks(blocks: Block[]): Map<Block, string[]> {
  const wrapped = blocks.map(block => asWorkflow(block.text, shapeOf(parse(block.text))))
  const findings = lintWorkflows(Object.fromEntries(wrapped.map(({ workflow }, index) => [index, workflow])), actionYml)
  return new Map(
    blocks.map((block, index) => [
      block,
      findings
        .filter(finding => finding.workflow === String(index))
        .map(
          ({ line, message, kind }) =>
            `README.md:${block.line + line - 1 - wrapped[index]!.offset}: ${message} [${kind}]`
        )
    ])
  )
}

/** The block's YAML, or undefined when it does not parse (its own test says why). */
function parsedOrNothing(block: Block): unknown {
  try {
    return parse(block.text)
  } catch {
    return undefined
  }
}

const yamlBlocks = codeBlocks(readme, 'yaml')
const workflowBlocks = yamlBlocks.filter(block => shapeOf(parsedOrNothing(block)) !== 'data')

// A step, as users write it wrong: a misspelled input (so the required one is missing), an output the action does not
// have, and text from the service and from the event written into the script itself.
const faulty: Block = {
  line: 1,
  text: [
    '- id: score',
    '  uses: your-org/azureml-batch-score@v1',
    '  with:',
    '    endpoint-urii: https://heart-ep.westus2.inference.ml.azure.com/jobs',
    '- run: echo "${{ steps.score.outputs.job-idd }}"',
    '- run: echo "${{ github.event.head_commit.message }}"',
    ''
  ].join('\n')
}

let findings: Map<Block, string[]>
beforeAll(() => {
  findings = lintBlocks([...workflowBlocks, faulty])
})

describe("the README's YAML examples", () => {
  it('are found: the quick start, the usage block and the examples at least', () => {
    expect(workflowBlocks.length).toBeGreaterThanOrEqual(8)
  })

  it.each(yamlBlocks.map(block => [block.line, block]))('README.md:%i parses', (_line, block) => {
    expect(() => parse(block.text)).not.toThrow()
  })

  it.each(workflowBlocks.map(block => [block.line, block]))(
    'README.md:%i passes actionlint with the action.yml of this repository',
    (_line, block) => {
      expect(findings.get(block)).toEqual([])
    }
  )

  it.each(yamlBlocks.map(block => [block.line, block]))(
    'README.md:%i passes step outputs and event data to run: scripts through env:',
    (_line, block) => {
      expect({
        expressionsInRun: expressionsInRun(parse(block.text)),
        fix: 'env: NAME: ${{ … }}, then "$NAME"'
      }).toEqual({
        expressionsInRun: [],
        fix: expect.any(String)
      })
    }
  )
})

describe('the check itself', () => {
  // No input is required by itself (one of endpoint-uri, endpoint-name and job-id is), so actionlint has none to miss.
  it("reports a misspelled input and an output action.yml lacks, against this action's own", () => {
    const found = findings.get(faulty)!.join('\n')
    expect(found).toContain('input "endpoint-urii" is not defined in action "Azure ML batch endpoint scoring"')
    expect(found).toContain('property "job-idd" is not defined')
  })

  it('reports event data written into a run: script (actionlint), and any ${{ }} there (our own check)', () => {
    expect(findings.get(faulty)!.join('\n')).toContain('"github.event.head_commit.message" is potentially untrusted')
    expect(expressionsInRun(parse(faulty.text))).toEqual([
      'echo "${{ steps.score.outputs.job-idd }}"',
      'echo "${{ github.event.head_commit.message }}"'
    ])
  })

  it('gives the README line of each finding', () => {
    expect(findings.get(faulty)).toContainEqual(expect.stringMatching(/^README\.md:4: input "endpoint-urii"/))
  })

  it('wraps each shape of fragment into a workflow without moving its lines', () => {
    const step = 'uses: your-org/azureml-batch-score@v1\nwith:\n  endpoint-uri: https://x\n'
    expect(asWorkflow(step, 'step')).toEqual({
      workflow:
        'on: push\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n' +
        '      - uses: ./\n        with:\n          endpoint-uri: https://x\n',
      offset: 5
    })
    expect(asWorkflow('with:\n  wait: true\n', 'with').workflow).toContain(
      '      - uses: ./\n        with:\n          wait: true\n'
    )
    expect(shapeOf(parse('permissions:\n  id-token: write\n'))).toBe('workflow-settings')
    expect(shapeOf(parse('runs-on: [self-hosted, azure]\nsteps: []\n'))).toBe('job')
    expect(shapeOf(parse('heart_data: azureml://datastores/x/paths/y/\n'))).toBe('data')
  })
})

describe('the Usage block', () => {
  const usage = readme.slice(readme.indexOf('\n## Usage'))
  const document = parseDocument(codeBlocks(usage, 'yaml')[0]?.text ?? '')
  const step = document.get(0)
  const withMap = isMap(step) ? step.get('with', true) : undefined

  it('is one step of this action, at its major version', () => {
    expect(isSeq(document.contents) && document.contents.items.length).toBe(1)
    expect(isMap(step) && step.get('uses')).toBe('your-org/azureml-batch-score@v1')
    expect(isMap(withMap)).toBe(true)
  })

  it("sets exactly action.yml's inputs, each to its default or, without one, to nothing", () => {
    const listed = isMap(withMap)
      ? Object.fromEntries(
          withMap.items.map(pair => [String(isScalar(pair.key) ? pair.key.value : pair.key), pair.value])
        )
      : {}
    const asListed = Object.fromEntries(
      Object.entries(listed).map(([name, value]) => [name, isScalar(value) ? String(value.value ?? '') : value])
    )
    const expected = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])
    )
    expect(asListed).toEqual(expected)
  })

  it('says what each input is in a comment above it', () => {
    const uncommented = isMap(withMap)
      ? withMap.items
          .filter((pair, index) => {
            const comment = isScalar(pair.key) ? pair.key.commentBefore : undefined
            return !(comment || (index === 0 && withMap.commentBefore))
          })
          .map(pair => String(isScalar(pair.key) ? pair.key.value : pair.key))
      : ['(no with:)']
    expect(uncommented).toEqual([])
  })
})

describe("the README's links to its own sections", () => {
  // GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-')
  const outsideCode = readme.replace(/^```[\s\S]*?^```/gm, '')
  const anchors = new Set([...outsideCode.matchAll(/^#{1,6} (.+)$/gm)].map(match => slug(match[1]!)))
  const links = [...new Set([...outsideCode.matchAll(/\]\(#([^)]+)\)/g)].map(match => match[1]!))]

  it.each(links)('#%s leads to a heading', link => {
    expect(anchors).toContain(link)
  })
})
