import { readJobDefinition } from '../../src/job/job-definition.js'
import { collectingInputAccess } from '../../src/input-access.js'

function read(inputs: Record<string, string>) {
  const access = collectingInputAccess(name => inputs[name] ?? '')
  return { definition: readJobDefinition(access), problems: access.problems }
}

const oneInput = { 'input-uri': 'https://mystorage.blob.core.windows.net/data/heart/' }

describe('inputs', () => {
  it('reads named URIs, typed inputs and literals; a trailing / means a folder', () => {
    const { definition, problems } = read({
      inputs: [
        'heart_data: azureml://datastores/workspaceblobstore/paths/heart/',
        'labels: https://mystorage.blob.core.windows.net/data/labels.csv',
        'reference: { type: uri_folder, uri: "azureml://datastores/refs/paths/2026" }',
        'threshold: { value: 0.75 }',
        'dry: { value: false }',
        'mode: { value: fast }',
        'asset: azureml:heart-data:3'
      ].join('\n')
    })
    expect(problems).toEqual([])
    expect(definition.inputs).toEqual([
      {
        name: 'heart_data',
        kind: 'data',
        type: 'UriFolder',
        uri: 'azureml://datastores/workspaceblobstore/paths/heart/'
      },
      { name: 'labels', kind: 'data', type: 'UriFile', uri: 'https://mystorage.blob.core.windows.net/data/labels.csv' },
      { name: 'reference', kind: 'data', type: 'UriFolder', uri: 'azureml://datastores/refs/paths/2026' },
      { name: 'threshold', kind: 'literal', value: '0.75' },
      { name: 'dry', kind: 'literal', value: 'false' },
      { name: 'mode', kind: 'literal', value: 'fast' },
      { name: 'asset', kind: 'data', type: undefined, uri: 'azureml:heart-data:3' }
    ])
  })

  it('takes JSON too', () => {
    const { definition } = read({ inputs: '{"a": "https://x.blob.core.windows.net/c/f.csv", "n": {"value": 3}}' })
    expect(definition.inputs.map(i => i.name)).toEqual(['a', 'n'])
  })

  it('falls back to input-uri, input-type and input-name', () => {
    const { definition } = read({ ...oneInput, 'input-type': 'uri_file', 'input-name': 'heart' })
    expect(definition.inputs).toEqual([{ name: 'heart', kind: 'data', type: 'UriFile', uri: oneInput['input-uri'] }])
  })

  it.each([
    [{ inputs: 'a: [unclosed' }, "Input 'inputs' is not valid YAML or JSON (line 1, column"],
    [{ inputs: '- just\n- a list' }, "Input 'inputs' must be a map of names to values"],
    [{ inputs: '{}' }, "Input 'inputs' is an empty map"],
    [{ inputs: 'a: { type: uri_folder }' }, "Input 'inputs', entry 'a' has neither 'uri' nor 'value'"],
    [
      { inputs: 'a: { type: mltable, uri: "azureml://datastores/d/paths/p/" }' },
      "entry 'a' has type 'mltable'; it must be uri_folder or uri_file"
    ],
    [{ inputs: 'a: { value: [1, 2] }' }, "entry 'a': a literal value must be a string, number or boolean"],
    [{ inputs: 'a: ./local/data' }, 'looks like a local path'],
    [{ inputs: 'a: 42' }, "entry 'a' must be a URI, {type, uri} or {value}"],
    [{ inputs: '"bad name": { value: 1 }' }, "Input 'inputs': 'bad name' is not a valid name"],
    [
      { inputs: 'a: { value: 1 }', 'input-uri': oneInput['input-uri'] },
      "Inputs 'inputs' and 'input-uri' are both given"
    ],
    [{}, "Input 'input-uri' is required (or give several in 'inputs', or files in 'input-path')"]
  ])('refuses %o', (inputs, message) => {
    expect(read(inputs).problems.join('\n')).toContain(message)
  })
})

describe('output and batch settings', () => {
  it('reads every setting', () => {
    const { definition, problems } = read({
      ...oneInput,
      'output-uri': 'azureml://datastores/workspaceblobstore/paths/predictions/',
      'output-file-name': 'scores.csv',
      'mini-batch-size': '20',
      'instance-count': '4',
      'error-threshold': '-1',
      'max-retries': '5',
      'retry-timeout': '90s',
      'logging-level': 'Debug',
      'experiment-name': 'heart-scoring',
      'job-name': 'nightly heart scoring',
      tags: 'team: ml-platform\npriority: 2'
    })
    expect(problems).toEqual([])
    expect(definition).toMatchObject({
      output: { name: 'score', type: 'UriFolder', uri: 'azureml://datastores/workspaceblobstore/paths/predictions/' },
      outputFileName: 'scores.csv',
      miniBatchSize: 20,
      instanceCount: 4,
      errorThreshold: -1,
      maxRetries: 5,
      retryTimeoutSeconds: 90,
      loggingLevel: 'Debug',
      experimentName: 'heart-scoring',
      displayName: 'nightly heart scoring',
      tags: { team: 'ml-platform', priority: '2' }
    })
  })

  it('leaves unset settings out', () => {
    const { definition } = read(oneInput)
    expect(definition).toMatchObject({
      output: undefined,
      miniBatchSize: undefined,
      instanceCount: undefined,
      tags: {}
    })
  })

  it.each([
    [{ 'output-uri': 'https://mystorage.blob.core.windows.net/out/' }, "Input 'output-uri' must be a datastore path"],
    [{ 'mini-batch-size': 'ten' }, "Input 'mini-batch-size' must be a whole number (1 or more), got 'ten'"],
    [{ 'instance-count': '0' }, "Input 'instance-count' must be a whole number (1 or more), got '0'"],
    [{ 'instance-count': '2.5' }, "Input 'instance-count' must be a whole number"],
    [{ 'error-threshold': '-2' }, "Input 'error-threshold' must be a whole number (-1 or more)"],
    [{ 'max-retries': '-1' }, "Input 'max-retries' must be a whole number (0 or more)"],
    [{ 'retry-timeout': '30' }, "Input 'retry-timeout' must be a duration"],
    [{ 'logging-level': 'verbose' }, "Input 'logging-level' must be one of info, warning, debug"],
    [
      { 'output-uri': 'azureml://datastores/d/paths/p/', 'output-name': '1st' },
      "Input 'output-name': '1st' is not a valid name"
    ],
    [{ tags: 'team: [a, b]' }, "Input 'tags', entry 'team': a tag value must be text"],
    [{ tags: 'team: "unclosed' }, "Input 'tags' is not valid YAML or JSON"]
  ])('refuses %o', (inputs, message) => {
    expect(read({ ...oneInput, ...inputs }).problems.join('\n')).toContain(message)
  })
})

describe('names sent in the request', () => {
  const fileName = "Input 'output-file-name' must be a file name such as predictions.csv"
  it.each([
    ['out/scores.csv', 'it names a folder'],
    ['out\\scores.csv', 'it names a folder'],
    ['..', "'.' and '..' name folders"],
    ['.', "'.' and '..' name folders"],
    ['scores.csv\n::warning::forged', 'control character'],
    ['scores\u2028.csv', 'control character'],
    ['x'.repeat(100_000), 'longer than 255 characters'],
    ['scores?.csv', 'other characters'],
    ['scores#1.csv', 'other characters'],
    ['scores 1.csv', 'other characters'],
    ['.scores.csv', "starts with '.'"]
  ])('refuses output-file-name #%#', (value, why) => {
    const { definition, problems } = read({ ...oneInput, 'output-file-name': value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(fileName)
    expect(problems[0]).toContain(why)
    expect(problems[0]).not.toMatch(/x{101}/)
    expect(problems[0]?.split('\n')).toHaveLength(1)
    expect(definition.outputFileName).toBeUndefined()
  })

  it.each(['predictions.csv', 'scores_2026-11.jsonl', 'a..b.csv', '_out', 'p'.repeat(255)])(
    'takes output-file-name #%#',
    value => {
      const { definition, problems } = read({ ...oneInput, 'output-file-name': value })
      expect(problems).toEqual([])
      expect(definition.outputFileName).toBe(value)
    }
  )

  it.each([
    ['heart scoring', "'heart scoring'"],
    ['-heart', "'-heart'"],
    ['heart.scoring', "'heart.scoring'"],
    ['heart/scoring', "'heart/scoring'"],
    ['heart\n::stop-commands::x', "'heart\\n::stop-commands::x'"],
    ['e'.repeat(257), `'${'e'.repeat(100)}…'`]
  ])('refuses experiment-name #%#', (value, shown) => {
    const { problems } = read({ ...oneInput, 'experiment-name': value })
    expect(problems).toEqual([
      "Input 'experiment-name' must be an Azure ML experiment name (letters, digits, '_' and '-', starting with a " +
        `letter or digit, at most 256 characters), got ${shown}.`
    ])
  })

  it.each(['heart-scoring', 'Heart_Scoring_2', '7days', 'e'.repeat(256)])('takes experiment-name #%#', value => {
    const { definition, problems } = read({ ...oneInput, 'experiment-name': value })
    expect(problems).toEqual([])
    expect(definition.experimentName).toBe(value)
  })

  it.each([
    ['nightly\n::warning::forged', 'control character'],
    ['nightly\r##[error]x', 'control character'],
    ['nightly\u0085x', 'control character'],
    ['n'.repeat(100_000), 'longer than 256 characters']
  ])('refuses job-name #%#', (value, why) => {
    const { definition, problems } = read({ ...oneInput, 'job-name': value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain("Input 'job-name' must be a display name on one line, at most 256 characters")
    expect(problems[0]).toContain(why)
    expect(problems[0]).not.toMatch(/n{101}/)
    expect(definition.displayName).toBeUndefined()
  })

  it.each(['nightly heart scoring (v2)', 'Évaluation — 2026/11', 'n'.repeat(256)])('takes job-name #%#', value => {
    const { definition, problems } = read({ ...oneInput, 'job-name': value })
    expect(problems).toEqual([])
    expect(definition.displayName).toBe(value)
  })
})
