import { problemsOf, settingsFrom } from '../test/unit/settings-inputs.js'

// Inputs the action refuses before any request: values that would carry credentials into the log, change a URL
// without a word, or cannot mean what they say.

const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
const upload = { 'input-uri': '', 'input-path': 'data', workspace }

describe('durations within bounds, never zero after rounding', () => {
  it.each([
    [{ 'retry-timeout': `${'9'.repeat(400)}s` }, "Input 'retry-timeout' must be at most 24h"],
    [{ 'retry-timeout': '25h' }, "Input 'retry-timeout' must be at most 24h"],
    [{ 'retry-timeout': '0.4s' }, "Input 'retry-timeout' must be at least 1s"],
    [{ 'wait-timeout': '0.0004s' }, "Input 'wait-timeout' must be"],
    [{ 'wait-timeout': '0.5s' }, "Input 'wait-timeout' must be at least 1s"],
    [{ 'wait-timeout': '121h' }, "Input 'wait-timeout' must be at most 120h"],
    [{ 'poll-interval': '2h' }, "Input 'poll-interval' must be at most 1h"]
  ])('refuses %o', (overrides, message) => {
    expect(problemsOf(overrides)).toContain(message)
  })

  it('takes the bounds themselves', () => {
    const settings = settingsFrom({ 'retry-timeout': '24h', 'wait-timeout': '120h', 'poll-interval': '1h' })
    expect(settings.job.retryTimeoutSeconds).toBe(86_400)
    expect(settings.follow.waitTimeoutMs).toBe(432_000_000)
    expect(settingsFrom({ 'retry-timeout': '1s' }).job.retryTimeoutSeconds).toBe(1)
  })
})

describe('URLs that hold credentials are refused and not shown', () => {
  const password = 'P4ssw0rdXYZ'
  const signature = 'sv=2022-11-02&se=2030-01-01T00%3A00%3A00Z&sr=c&sp=rl&sig=AbCdEf%2Bsecret%3D'
  it.each([
    ['input-uri', { 'input-uri': `https://user:${password}@mystorage.blob.core.windows.net/data/` }],
    ['input-uri', { 'input-uri': `https://mystorage.blob.core.windows.net/data/x.csv?${signature}` }],
    ['input-uri', { 'input-uri': `azureml://datastores/d/paths/x?sig=${password}` }],
    ["inputs' entry 'heart", { 'input-uri': '', inputs: `heart: https://a.blob.core.windows.net/c/?${signature}` }],
    ['output-uri', { 'output-uri': `azureml://datastores/d/paths/out/?sig=${password}` }],
    ['endpoint-uri', { 'endpoint-uri': `https://u:${password}@heart-ep.westus2.inference.ml.azure.com/jobs` }],
    ['endpoint-uri', { 'endpoint-uri': `https://heart-ep.westus2.inference.ml.azure.com/jobs?sig=${password}` }]
  ])('%s', (input, overrides) => {
    const message = problemsOf(overrides)
    expect(message).toContain(`Input '${input}' holds credentials`)
    expect(message).not.toContain(password)
    expect(message).not.toContain('AbCdEf')
  })
})

describe('a signature is found however the URL spells it', () => {
  const secret = 'Zq9SecretSig'
  const blob = 'https://mystorage.blob.core.windows.net/data/x.csv'
  it.each([
    ['percent-encoded name', `${blob}?%73ig=${secret}`],
    ['percent-encoded =', `${blob}?sig%3D${secret}`],
    ['percent-encoded ?', `${blob}%3Fsig=${secret}`],
    ['encoded twice', `${blob}?%2573ig=${secret}`],
    ['in the fragment', `${blob}#sig=${secret}`],
    ['after an HTML &amp;', `${blob}?a=1&amp;sig=${secret}`],
    ['after a numeric entity', `${blob}?a=1&#38;sig=${secret}`],
    ['as a hex entity', `${blob}?a=1&#x26;&#x73;ig=${secret}`],
    ['after ;', `${blob};sig=${secret}`],
    ['after ; in the query', `${blob}?a=1;sig=${secret}`],
    ['in upper case', `${blob}?SIG=${secret}`],
    ['with blanks before =', `${blob}?sig =${secret}`],
    ['a SAS version alone', `${blob}#sv=2022-11-02`],
    ['a user and password, encoded', `https%3A%2F%2Fuser:${secret}@mystorage.blob.core.windows.net/data/`]
  ])('%s', (_, uri) => {
    for (const [input, overrides] of [
      ['input-uri', { 'input-uri': uri }],
      ["inputs' entry 'heart", { 'input-uri': '', inputs: JSON.stringify({ heart: uri }) }],
      ['output-uri', { 'output-uri': `azureml://datastores/d/paths/out/${uri.slice(blob.length)}` }]
    ] as const) {
      if (input === 'output-uri' && !uri.startsWith(blob)) continue
      const message = problemsOf(overrides)
      expect(message).toContain(`Input '${input}' holds credentials`)
      expect(message).not.toContain(secret)
    }
  })

  it.each([
    `${blob}`,
    'https://mystorage.blob.core.windows.net/data/design%20signals/',
    'https://mystorage.blob.core.windows.net/data/x.csv?version=3',
    'azureml://datastores/d/paths/sigma=1/',
    'azureml://datastores/d/paths/a&b/'
  ])('takes %s', uri => {
    expect(settingsFrom({ 'input-uri': uri }).job.inputs).toEqual([expect.objectContaining({ uri })])
  })
})

describe('URLs are used as given or refused, never silently changed', () => {
  it('refuses a query or fragment on endpoint-uri, without showing it', () => {
    const message = problemsOf({ 'endpoint-uri': 'https://heart-ep.westus2.inference.ml.azure.com/jobs?x=1#zq7' })
    expect(message).toContain("Input 'endpoint-uri' must be the endpoint's scoring URI without a query")
    expect(message).not.toContain('zq7')
  })

  it.each([
    ['authority-host', 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47', 'a path'],
    ['authority-host', 'https://login.microsoftonline.com/?x=1', 'a query'],
    ['resource-manager-endpoint', 'https://management.azure.com/subscriptions', 'a path'],
    ['resource-manager-endpoint', 'https://management.azure.com#x', 'a fragment']
  ])('refuses more than a host in %s: %s', (input, value, what) => {
    expect(problemsOf({ [input]: value })).toContain(`Input '${input}' must be the host alone`)
    expect(problemsOf({ [input]: value })).toContain(what)
  })

  it('takes a host with or without a trailing slash', () => {
    const settings = settingsFrom({
      'authority-host': 'https://login.microsoftonline.us/',
      'resource-manager-endpoint': 'https://management.usgovcloudapi.net'
    })
    expect(settings.authorityHost).toBe('https://login.microsoftonline.us')
    expect(settings.resourceManager).toBe('https://management.usgovcloudapi.net')
  })
})

describe('upload-prefix and datastore', () => {
  it.each([
    ['a\nb', 'control character'],
    ['batch?x=1', "'?'"],
    ['batch#1', "'#'"],
    ['a\\b', "'\\'"],
    ['a/%2e%2e/b', "'%'"],
    ['a/../b', "'..'"],
    ['x'.repeat(2000), 'longer than 512 characters']
  ])('refuses upload-prefix #%#', (prefix, why) => {
    const message = problemsOf({ ...upload, 'upload-prefix': prefix })
    expect(message).toContain("Input 'upload-prefix' must be a folder path")
    expect(message).toContain(why)
    expect(message).not.toMatch(/x{200}/)
    expect(message.split('\n')).toHaveLength(1)
  })

  it('takes a prefix up to 512 characters', () => {
    expect(settingsFrom({ ...upload, 'upload-prefix': 'p'.repeat(512) }).upload?.prefix).toHaveLength(512)
  })

  it.each(['blob store', 'a/b', 'st\nore', '-store', 'x'.repeat(256), 'ds?x', 'ds#x'])(
    'refuses datastore #%#',
    name => {
      expect(problemsOf({ ...upload, datastore: name })).toContain("Input 'datastore' must be a datastore name")
    }
  )

  it('takes datastore names as Azure ML names them', () => {
    for (const name of ['workspaceblobstore', 'blob-datastore', 'heart_data_2', 'x'.repeat(255)]) {
      expect(settingsFrom({ ...upload, datastore: name }).upload?.datastore).toBe(name)
    }
  })
})

describe('values an error quotes are shown as data', () => {
  // What the runner would take as a command on a line: `::name` at its start (after blanks) or `##[` anywhere.
  const forged = 'x\n::warning::forged\r::stop-commands::tok\u2028::error::y ##[error]z'
  it.each([
    ['input-uri', { 'input-uri': forged }],
    ["inputs' entry", { 'input-uri': '', inputs: JSON.stringify({ heart: forged }) }],
    ['inputs', { 'input-uri': '', inputs: JSON.stringify({ [forged]: 'azureml://datastores/d/paths/p/' }) }],
    ['workspace', { workspace: forged }],
    ['deployment-name', { 'deployment-name': forged }],
    ['client-id', { 'client-id': forged }],
    ['mini-batch-size', { 'mini-batch-size': forged }],
    ['output-uri', { 'output-uri': `azureml://x/${forged}` }],
    ['output-file-name', { 'output-file-name': forged }],
    ['experiment-name', { 'experiment-name': forged }],
    ['job-name', { 'job-name': forged }],
    ['download-path', { 'download-path': `../${forged}` }],
    ['tags', { tags: `${forged}: [1]` }]
  ])('%s', (input, overrides) => {
    const message = problemsOf({ wait: 'true', ...overrides })
    expect(message).toContain(`'${input.split("'")[0]}`)
    for (const line of message.split('\n')) {
      expect(line).not.toMatch(/^\s*::|##\[|[\r\u2028]/)
    }
  })

  it('keeps the lines an explanation breaks itself', () => {
    const message = problemsOf({ 'client-secret': '', 'tenant-id': '', 'client-id': '' })
    expect(message.split('\n').length).toBeGreaterThan(2)
    expect(message).not.toContain('\\n')
  })
})
