import { readSettings } from '../src/settings.js'
import { testRunner } from '../test/unit/runner.js'
import { problemsOf, settingsFrom, validInputs as valid } from '../test/unit/settings-inputs.js'

describe('readSettings', () => {
  it('reads a complete, valid set of inputs with the documented defaults', () => {
    const settings = settingsFrom({})
    expect(settings).toMatchObject({
      signIn: {
        kind: 'client-secret',
        tenantId: valid['tenant-id'],
        clientId: valid['client-id'],
        clientSecret: valid['client-secret']
      },
      scoringUri: valid['endpoint-uri'],
      deploymentName: undefined,
      job: { inputs: [{ name: 'input_data', kind: 'data', type: 'UriFolder', uri: valid['input-uri'] }] },
      authorityHost: 'https://login.microsoftonline.com',
      customAuthorityHost: false
    })
    expect(settings.cloud.mlScope).toBe('https://ml.azure.com/.default')
  })

  it('appends /jobs to an endpoint URI given without it', () => {
    expect(settingsFrom({ 'endpoint-uri': 'https://ep.westus2.inference.ml.azure.com' }).scoringUri).toBe(
      'https://ep.westus2.inference.ml.azure.com/jobs'
    )
    expect(settingsFrom({ 'endpoint-uri': 'https://ep.westus2.inference.ml.azure.com/jobs/' }).scoringUri).toBe(
      'https://ep.westus2.inference.ml.azure.com/jobs'
    )
  })

  it('says in one notice that /jobs was appended, and says nothing when the URI has it', () => {
    const runner = testRunner()
    readSettings(
      name => ({ ...valid, 'endpoint-uri': 'https://ep.westus2.inference.ml.azure.com/' })[name] ?? '',
      runner
    )
    expect(runner.notices).toEqual([
      "Input 'endpoint-uri' does not end in /jobs; scoring at https://ep.westus2.inference.ml.azure.com/jobs, the " +
        "endpoint's scoring URI."
    ])
    const quiet = testRunner()
    readSettings(
      name => ({ ...valid, 'endpoint-uri': 'https://ep.westus2.inference.ml.azure.com/jobs/' })[name] ?? '',
      quiet
    )
    expect(quiet.notices).toEqual([])
  })

  it('accepts a tenant domain, uri_file, a deployment and a sovereign cloud', () => {
    const settings = settingsFrom({
      'tenant-id': 'contoso.onmicrosoft.com',
      'input-type': 'uri_file',
      'deployment-name': 'classifier-xgb',
      environment: 'AzureUSGovernment'
    })
    expect(settings.signIn).toMatchObject({ tenantId: 'contoso.onmicrosoft.com' })
    expect(settings.job.inputs[0]).toMatchObject({ type: 'UriFile' })
    expect(settings.deploymentName).toBe('classifier-xgb')
    expect(settings.cloud.name).toBe('azureusgovernment')
    expect(settings.authorityHost).toBe('https://login.microsoftonline.us')
    expect(settings.cloud.mlScope).toBe('https://ml.azure.us/.default')
  })

  it('uses an authority-host override and marks it custom', () => {
    const settings = settingsFrom({ 'authority-host': 'https://login.contoso-stack.local/' })
    expect(settings.authorityHost).toBe('https://login.contoso-stack.local')
    expect(settings.customAuthorityHost).toBe(true)
  })

  it('names a missing required input', () => {
    expect(problemsOf({ 'endpoint-uri': '' })).toBe(
      "Give exactly one of 'endpoint-uri' (the batch endpoint's scoring URI), 'endpoint-name' (its name in " +
        "'workspace') and 'job-id' (a job submitted earlier, to follow): none was given."
    )
    expect(problemsOf({ 'input-uri': '' })).toBe(
      "Input 'input-uri' is required (or give several in 'inputs', or files in 'input-path')."
    )
  })

  it.each(['tenant-id', 'client-id'])('names what a service principal is missing: %s', name => {
    expect(problemsOf({ [name]: '' })).toBe(`Signing in with a service principal needs input '${name}'.`)
  })

  it('treats a whitespace-only input as missing', () => {
    expect(problemsOf({ 'client-secret': '  \n' })).toContain('No way to sign in was given')
  })

  it.each([
    [{ 'client-id': 'my-app' }, "Input 'client-id' must be a GUID"],
    [{ 'tenant-id': 'not a tenant' }, "Input 'tenant-id' must be a tenant GUID or a domain"],
    [{ 'tenant-id': 'common' }, "'common' is a multi-tenant alias"],
    [{ 'endpoint-uri': 'heart-ep' }, "Input 'endpoint-uri' must be an https URL, got 'heart-ep'"],
    [{ 'endpoint-uri': 'http://ep.westus2.inference.ml.azure.com/jobs' }, "Input 'endpoint-uri' must use https"],
    [{ 'input-type': 'folder' }, "Input 'input-type' must be one of uri_folder, uri_file, got 'folder'"],
    [{ environment: 'azure' }, "Input 'environment' must be one of azurecloud, azurechinacloud, azureusgovernment"],
    [{ 'deployment-name': 'blue green' }, "Input 'deployment-name' must be a deployment name"],
    [{ 'authority-host': 'http://login.local' }, "Input 'authority-host' must use https"],
    [
      { 'endpoint-uri': 'https://ep.westus2.inference.ml.azure.com/jobs\nfoo' },
      "Input 'endpoint-uri' must be a URL on one line, without control characters."
    ],
    [{ 'authority-host': 'https://login.local\t.example' }, "Input 'authority-host' must be a URL on one line"],
    [{ 'endpoint-uri': 'https://ep.westus2.inference.ml.azure.com:0/jobs' }, "Input 'endpoint-uri' names port 0"],
    [{ 'resource-manager-endpoint': 'https://management.local:0' }, "Input 'resource-manager-endpoint' names port 0"],
    [{ 'input-name': 'has space' }, "Input 'input-name': 'has space' is not a valid name"]
  ])('rejects %o', (overrides, message) => {
    expect(problemsOf(overrides)).toContain(message)
  })

  it('reads the follow settings with their defaults', () => {
    const settings = settingsFrom({})
    expect(settings.follow).toEqual({
      wait: false,
      waitTimeoutMs: 6 * 3_600_000,
      pollIntervalMs: 30_000,
      failOnJobFailure: true,
      cancelOnTimeout: true,
      cancelOnWorkflowCancel: true,
      showProgress: true
    })
    expect(settings.resourceManager).toBe('https://management.azure.com')
    const custom = settingsFrom({
      wait: 'true',
      'wait-timeout': '90m',
      'poll-interval': '5s',
      'fail-on-job-failure': 'False',
      'cancel-on-timeout': 'FALSE',
      'cancel-on-workflow-cancel': 'false',
      'show-progress': 'false',
      environment: 'azurechinacloud',
      'resource-manager-endpoint': 'https://arm.contoso-stack.local/'
    })
    expect(custom.follow).toEqual({
      wait: true,
      waitTimeoutMs: 5_400_000,
      pollIntervalMs: 5_000,
      failOnJobFailure: false,
      cancelOnTimeout: false,
      cancelOnWorkflowCancel: false,
      showProgress: false
    })
    expect(custom.resourceManager).toBe('https://arm.contoso-stack.local')
    // Only the host changes: the token is still for the cloud's Resource Manager.
    expect(custom.cloud.resourceManagerScope).toBe('https://management.chinacloudapi.cn/.default')
  })

  it.each([
    [{ wait: 'yes' }, "Input 'wait' must be true or false, got 'yes'"],
    [{ 'show-progress': 'maybe' }, "Input 'show-progress' must be true or false, got 'maybe'"],
    [{ 'poll-interval': '500ms' }, "Input 'poll-interval' must be a duration"],
    [{ 'poll-interval': '0.5s' }, "Input 'poll-interval' must be at least 1s, got '0.5s'"],
    [{ 'wait-timeout': '6' }, "Input 'wait-timeout' must be a duration"],
    [{ 'resource-manager-endpoint': 'management.azure.com' }, "Input 'resource-manager-endpoint' must be an https URL"]
  ])('rejects follow input %o', (overrides, message) => {
    expect(problemsOf(overrides)).toContain(message)
  })

  it('needs a workspace to look up data asset short names', () => {
    expect(problemsOf({ 'input-uri': 'azureml:heart-data@latest' })).toContain(
      "Data asset short names (azureml:heart-data@latest) are looked up in a workspace: give 'workspace'"
    )
    const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
    expect(settingsFrom({ 'input-uri': 'azureml:heart-data:3', workspace }).workspace).toBe(workspace)
    expect(problemsOf({ workspace: 'mlw-scoring' })).toContain("Input 'workspace' must be the workspace's ARM id")
  })

  it('gives each step execution an upload folder of its own by default', () => {
    const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
    const prefixOf = () => settingsFrom({ 'input-uri': '', 'input-path': 'd', workspace }).upload?.prefix
    const [first, second] = [prefixOf(), prefixOf()]
    expect(first).toMatch(/^github\/.+\/\d+-\d+-[0-9a-f]{8}$/)
    expect(second).not.toBe(first)
  })

  it("names the default folders after the runner's variables it is given, and after no others", () => {
    const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
    const inputs: Record<string, string> = { ...valid, 'input-uri': '', 'input-path': 'd', workspace }
    const env = { GITHUB_REPOSITORY: 'contoso/heart', GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '2' }
    const given = readSettings(name => inputs[name] ?? '', { ...testRunner(), env })
    expect(given.upload?.prefix).toMatch(/^github\/contoso\/heart\/7-2-[0-9a-f]{8}$/)
    const none = readSettings(name => inputs[name] ?? '', testRunner())
    expect(none.upload?.prefix).toMatch(/^github\/local\/0-1-[0-9a-f]{8}$/)
  })

  it('reads the upload settings of input-path', () => {
    const workspace = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'
    const settings = settingsFrom({ 'input-uri': '', 'input-path': 'data/incoming', workspace, 'changed-only': 'true' })
    expect(settings.upload).toEqual({
      inputPath: 'data/incoming',
      inputName: 'input_data',
      changedOnly: true,
      datastore: 'workspaceblobstore',
      prefix: expect.stringMatching(/^github\//),
      prefixGiven: false,
      githubToken: undefined
    })
    expect(
      settingsFrom({ 'input-uri': '', 'input-path': 'd', workspace, 'upload-prefix': '/batches/7/' }).upload?.prefix
    ).toBe('batches/7')
    expect(
      settingsFrom({ 'input-uri': '', 'input-path': 'd', workspace, 'upload-prefix': 'b/7' }).upload?.prefixGiven
    ).toBe(true)
    expect(problemsOf({ 'input-path': 'data' })).toContain("Inputs 'input-path' and 'input-uri' are both given")
    expect(problemsOf({ 'input-uri': '', 'input-path': 'data' })).toContain(
      "Input 'input-path' uploads to a datastore of the workspace: give 'workspace'"
    )
    expect(problemsOf({ 'input-uri': '', 'input-path': 'd', workspace, 'upload-prefix': 'a/../b' })).toContain(
      "Input 'upload-prefix' must be a folder path"
    )
  })

  it('reads dry-run', () => {
    expect(settingsFrom({}).dryRun).toBe(false)
    expect(settingsFrom({ 'dry-run': 'true' }).dryRun).toBe(true)
    expect(problemsOf({ 'dry-run': 'maybe' })).toContain("Input 'dry-run' must be true or false")
  })

  it('reports every problem at once', () => {
    const problems = problemsOf({ 'client-id': 'x', 'endpoint-uri': 'ftp://x', 'input-uri': '' }).split('\n')
    expect(problems).toHaveLength(3)
  })

  it('never echoes the client secret in an error', () => {
    expect(problemsOf({ 'client-id': 'x', 'client-secret': 'super-secret-value' })).not.toContain('super-secret-value')
  })
})

describe('where the job is: endpoint-uri, endpoint-name or job-id', () => {
  const workspace =
    '/subscriptions/8d4bd2f5-7e3a-4c61-9b0e-3f1a6c2d9e47/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws'

  it.each([
    [{ 'endpoint-name': 'scoring', workspace }, "'endpoint-uri' and 'endpoint-name' were given"],
    [{ 'job-id': 'batchjob-1', workspace }, "'endpoint-uri' and 'job-id' were given"],
    [
      { 'endpoint-uri': '', 'endpoint-name': 'scoring', 'job-id': 'batchjob-1', workspace },
      "'endpoint-name' and 'job-id' were given"
    ]
  ])('refuses two of them together: %j', (overrides, said) => {
    expect(problemsOf(overrides)).toContain(`Give exactly one of 'endpoint-uri'`)
    expect(problemsOf(overrides)).toContain(said)
  })

  it('takes endpoint-name with workspace, the scoring URI left to the endpoint', () => {
    const settings = settingsFrom({ 'endpoint-uri': '', 'endpoint-name': 'scoring', workspace })
    expect(settings.endpointName).toBe('scoring')
    expect(settings.scoringUri).toBe('')
    expect(settings.jobId).toBeUndefined()
  })

  it.each(['endpoint-name', 'job-id'])('%s needs workspace', name => {
    const value = name === 'job-id' ? 'batchjob-1' : 'scoring'
    expect(problemsOf({ 'endpoint-uri': '', [name]: value })).toContain(
      `Input '${name}' names something in a workspace: give 'workspace' (its ARM id).`
    )
  })

  it.each(['sc', '-scoring', 'scoring/../x', 'a'.repeat(33)])('refuses the endpoint name %s', name => {
    expect(problemsOf({ 'endpoint-uri': '', 'endpoint-name': name, workspace })).toContain(
      "Input 'endpoint-name' must be a batch endpoint's name"
    )
  })

  it('follows a job by job-id without data to score, and waits for it', () => {
    const settings = settingsFrom({ 'endpoint-uri': '', 'input-uri': '', 'job-id': 'batchjob-1a2b', workspace })
    expect(settings.jobId).toBe('batchjob-1a2b')
    expect(settings.job.inputs).toEqual([])
    expect(settings.follow.wait).toBe(true)
  })

  it('refuses with job-id what only a submission uses', () => {
    expect(problemsOf({ 'endpoint-uri': '', 'job-id': 'batchjob-1', workspace })).toContain(
      "Input 'job-id' follows a job already submitted, so 'input-uri' cannot apply to it"
    )
  })

  it.each(['batchjob 1', '../jobs/x', 'a/b'])('refuses the job id %s', id => {
    expect(problemsOf({ 'endpoint-uri': '', 'input-uri': '', 'job-id': id, workspace })).toContain(
      "Input 'job-id' must be a job's name"
    )
  })
})
