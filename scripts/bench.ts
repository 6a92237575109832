// `npm run bench`: the figures of docs' "Performance" section, measured against the fake Azure on 127.0.0.1.
// Prints a table and writes the same figures to bench/results/latest.json. A script, not a test: timings vary with the
// machine, so they are reported against their targets instead of asserted.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../test/e2e/run-action.js'
import { startScenario, type Scenario } from '../test/e2e/scenario.js'
import { interleavedMedians, wallMs } from './bench/timing.js'
import { measureAtDistance, type CurlTargets, type Distance } from './bench/distance.js'
import { measureDownload } from './bench/download.js'
import { measureUpload, smallFiles } from './bench/upload.js'
import { simulateWait } from './bench/waiting.js'

const runs = Number(process.env['BENCH_RUNS'] ?? 10)
// How many small files the upload's scaling rows use: a few, then more (4× by default).
const [fewFiles = 5000, manyFiles = 20000] = (process.env['BENCH_UPLOAD_FILES'] ?? '5000,20000').split(',').map(Number)
const loadedBeforeFirstRequest = "require('node:https'); require('node:crypto'); require('node:zlib')"
const node = process.execPath

async function actionWallMs(
  scenario: Scenario,
  script?: string,
  overrides: Record<string, string | undefined> = {},
  env?: Record<string, string>
): Promise<number> {
  const started = performance.now()
  const running = scenario.start(overrides, { ...(script ? { script } : {}), ...(env ? { env } : {}) })
  await new Promise(resolve => running.child.on('exit', resolve))
  const elapsed = performance.now() - started
  const result = await running.result
  if (result.exitCode !== 0)
    throw new Error(`the action failed during the benchmark:\n${result.stdout}${result.stderr}`)
  return elapsed
}

/** Bundles bench/minimal-submission.ts as the action is bundled; returns the script to run. */
function buildMinimalSubmission(): string {
  const out = mkdtempSync(join(tmpdir(), 'bench-minimal-'))
  const bin = join(repoRoot, 'node_modules', '.bin')
  const run = (command: string, args: string[]) => {
    const { status, stderr } = spawnSync(join(bin, command), args, { cwd: repoRoot, encoding: 'utf8' })
    if (status !== 0) throw new Error(`${command} failed while building the baseline:\n${stderr}`)
  }
  run('ncc', ['build', 'scripts/bench/minimal-submission.ts', '-o', out, '-q'])
  run('tsx', ['scripts/minify-dist.ts', out])
  return join(out, 'index.js')
}

/** The bare REST recipe a user could script instead: one curl for the token, one for the POST. */
async function curlRecipeMs(scenario: Scenario, targets: CurlTargets = {}): Promise<number> {
  const { fake, app, inputs } = scenario
  const { entra = fake.url, endpointUri = fake.scoringUri, connectTo = {} } = targets
  const connecting = Object.entries(connectTo).flatMap(([from, to]) => ['--connect-to', `${from}:${to}`])
  const started = performance.now()
  const tokenJson = await output('curl', [
    '-sS',
    '--cacert',
    fake.caFile,
    ...connecting,
    '-X',
    'POST',
    `${entra}/${app.tenantId}/oauth2/v2.0/token`,
    '--data-urlencode',
    'grant_type=client_credentials',
    '--data-urlencode',
    `client_id=${app.clientId}`,
    '--data-urlencode',
    `client_secret=${app.clientSecret}`,
    '--data-urlencode',
    'scope=https://ml.azure.com/.default'
  ])
  const token = (JSON.parse(tokenJson) as { access_token: string }).access_token
  const body = JSON.stringify({
    properties: { InputData: { input_data: { JobInputType: 'UriFolder', Uri: inputs['input-uri'] } } }
  })
  await output('curl', [
    '-sS',
    '--cacert',
    fake.caFile,
    ...connecting,
    '-X',
    'POST',
    endpointUri,
    '-H',
    `Authorization: Bearer ${token}`,
    '-H',
    'Content-Type: application/json',
    '-H',
    `repeatability_request-id: ${crypto.randomUUID()}`,
    '-d',
    body
  ])
  return performance.now() - started
}

function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let text = ''
    child.stdout.on('data', chunk => (text += chunk))
    child.on('error', reject)
    child.on('exit', code => (code === 0 ? resolve(text) : reject(new Error(`${command} exited ${code}`))))
  })
}

/** Peak resident memory of one submission, as /usr/bin/time reports it (where the machine has it). */
async function peakMemoryKb(scenario: Scenario): Promise<number | undefined> {
  if (!existsSync('/usr/bin/time')) return undefined
  const log = join(mkdtempSync(join(tmpdir(), 'bench-')), 'rss')
  await scenario.start({}, { wrapper: ['/usr/bin/time', '-f', '%M', '-o', log] }).result
  // After a failed run, time writes "Command exited with non-zero status 1" first; the figure is the last line.
  return Number(readFileSync(log, 'utf8').trim().split('\n').at(-1))
}

function distBytes(): { total: number; files: Record<string, number> } {
  const files: Record<string, number> = {}
  for (const name of readdirSync(join(repoRoot, 'dist'))) files[name] = statSync(join(repoRoot, 'dist', name)).size
  return { total: Object.values(files).reduce((a, b) => a + b, 0), files }
}

async function loadedChunks(scenario: Scenario): Promise<string[]> {
  const log = join(mkdtempSync(join(tmpdir(), 'bench-')), 'chunks')
  writeFileSync(log, '')
  await scenario.run(
    {},
    { env: { NODE_OPTIONS: `--import=${join(repoRoot, 'scripts/bench/loaded-chunks.mjs')}`, BENCH_CHUNK_LOG: log } }
  )
  return [
    ...new Set(
      readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(url => url.replace(/^.*\/dist\//, ''))
    )
  ]
}

// The round-trip time of the distance rows; BENCH_ONLY=distance measures those rows alone.
const rttMs = Number(process.env['BENCH_RTT_MS'] ?? 40)
// BENCH_ONLY=distance measures the distance rows alone; BENCH_ONLY=distance-submission only the submission's.
const distanceOnly = process.env['BENCH_ONLY']?.startsWith('distance') ?? false
const distanceTransfers = process.env['BENCH_ONLY'] !== 'distance-submission'
// Another build's dist/index.js, whose submission the distance rows measure beside this one's (a change's before).
const baseline = process.env['BENCH_BASELINE']

function distanceTargets(distance: Distance): [string, boolean][] {
  const transfers = distance.transfers
    .filter(transfer => transfer.files > 1)
    .map(
      transfer =>
        [
          `${transfer.direction} of ${transfer.case} at ${rttMs} ms: added time ≤ 1.5× ceil(files / 32) × RTT`,
          transfer.addedSeconds <= 1.5 * transfer.floorSeconds
        ] as [string, boolean]
    )
  return [...transfers, [`submission at ${rttMs} ms ≤ 1.3× the curl recipe`, distance.submission.actionOverCurl <= 1.3]]
}

function printDistance(distance: Distance): void {
  console.log('')
  console.log(
    `| at ${distance.rttMs} ms round-trip time | loopback | at ${distance.rttMs} ms | added | floor | connections | peak memory |`
  )
  console.log('|---|---|---|---|---|---|---|')
  const { submission } = distance
  const added = (far: number, near: number): string => `${Math.round(far - near)} ms`
  console.log(
    `| submission | ${submission.loopbackMs} ms | ${submission.actionMs} ms | ${added(submission.actionMs, submission.loopbackMs)} | curl recipe: ${submission.curlMs} ms (${submission.actionOverCurl}×) | ${submission.connections} | |`
  )
  console.log(
    `| the curl recipe | ${submission.curlLoopbackMs} ms | ${submission.curlMs} ms | ${added(submission.curlMs, submission.curlLoopbackMs)} | | 2 | |`
  )
  const before = submission.baseline
  if (before) {
    console.log(
      `| submission, ${before.script} | ${before.loopbackMs} ms | ${before.actionMs} ms | ${added(before.actionMs, before.loopbackMs)} | ${before.actionOverCurl}× | | |`
    )
  }
  for (const t of distance.transfers) {
    const memory = t.peakMemoryMiB === undefined ? 'n/a' : `${t.peakMemoryMiB} MiB`
    console.log(
      `| ${t.direction}: ${t.case} | ${t.loopbackSeconds} s | ${t.distantSeconds} s | ${t.addedSeconds} s | ${t.floorSeconds} s | ${t.connections} | ${memory} |`
    )
  }
}

/** Prints each target as met or not, and writes the figures with them to bench/results/<file>. */
function writeResults(file: string, figures: object, targets: readonly (readonly [string, boolean])[]): void {
  console.log('')
  for (const [target, met] of targets) console.log(`${met ? 'met    ' : 'NOT MET'}  ${target}`)
  const folder = join(repoRoot, 'bench', 'results')
  mkdirSync(folder, { recursive: true })
  writeFileSync(
    join(folder, file),
    `${JSON.stringify({ ...figures, targets: Object.fromEntries(targets) }, null, 2)}\n`
  )
  console.log(`\nwrote bench/results/${file}`)
}

const minimalSubmission = buildMinimalSubmission()
const scenario = await startScenario()
const atDistance = (): Promise<Distance> =>
  measureAtDistance(
    rttMs,
    runs,
    scenario,
    (s, overrides, env, script) => actionWallMs(s, script, overrides, env),
    curlRecipeMs,
    distanceTransfers,
    baseline
  )
if (distanceOnly) {
  try {
    console.log(`Measuring at ${rttMs} ms round-trip time …`)
    const distance = await atDistance()
    printDistance(distance)
    const figures = { date: new Date().toISOString(), node: process.version, distance }
    writeResults('distance.json', figures, distanceTargets(distance))
  } finally {
    await scenario.fake.close()
  }
  process.exit(0)
}
try {
  console.log(`Measuring ${runs} runs each on Node ${process.version} …`)
  const {
    floor: floorMs,
    action: actionMs,
    curl: curlMs,
    minimal: minimalMs,
    startUp: startUpMs,
    https: httpsMs,
    formData: formDataMs
  } = await interleavedMedians(runs, {
    floor: () => wallMs(node, ['-e', '0']),
    action: () => actionWallMs(scenario),
    curl: () => curlRecipeMs(scenario),
    minimal: () => actionWallMs(scenario, minimalSubmission),
    // Without inputs the action stops at input validation: what loading the bundle costs, before any request.
    startUp: () => wallMs(node, [join(repoRoot, 'dist', 'index.js')], { PATH: process.env['PATH'] }),
    // The Azure SDK's pipeline asks `typeof FormData` on every request, and Node then loads its fetch implementation:
    // its cost on top of the modules the action has loaded by then.
    https: () => wallMs(node, ['-e', loadedBeforeFirstRequest]),
    formData: () => wallMs(node, ['-e', `${loadedBeforeFirstRequest}; typeof FormData`])
  })

  // Requests of one submission, counted by the fake on a fresh server.
  const counting = await startScenario()
  await counting.run()
  const requests: Record<string, number> = {}
  for (const request of counting.fake.requests) requests[request.route] = (requests[request.route] ?? 0) + 1
  const connections = counting.fake.connections
  const chunks = await loadedChunks(counting)
  // The storage SDK, octokit and the upload code name these; a plain submission has no use for them.
  const transferChunks = chunks.filter(name =>
    /BlockBlobClient|octokit/i.test(readFileSync(join(repoRoot, 'dist', name), 'utf8'))
  )
  const loadedBytes = chunks.reduce((sum, name) => sum + statSync(join(repoRoot, 'dist', name)).size, 0)
  await counting.fake.close()

  // A job that ends between two reads, so the delay in noticing it is a real one.
  const wait = await simulateWait(3607, 30_000)
  const dist = distBytes()
  const memoryKb = await peakMemoryKb(scenario)
  // The endpoint answering 150 MB: the action reads 1 MiB of it and closes the connection.
  scenario.fake.fail('submit', { status: 400, bodyBytes: 150 * 1024 * 1024 })
  const largeAnswerMemoryKb = await peakMemoryKb(scenario)
  console.log('Measuring uploads against Azurite …')
  const uploads = [
    await measureUpload('1,000 files of 4 KiB', smallFiles(1000, 4096)),
    await measureUpload('one file of 200 MiB', { 'data/big.csv': 200 * 1024 * 1024 })
  ]
  console.log('Measuring downloads against Azurite …')
  const downloads = [
    await measureDownload('1,000 files of 4 KiB', smallFiles(1000, 4096)),
    await measureDownload('one file of 200 MiB', { 'big.csv': 200 * 1024 * 1024 })
  ]
  // Azurite's in-memory store scans every blob of the account on each write, so its own time per write grows with
  // the blobs it holds: the scaling rows have the front end acknowledge writes itself, to time the action alone.
  const scaling = [
    await measureUpload(`${count(fewFiles)} files of 1 KiB`, smallFiles(fewFiles, 1024), { discardWrites: true }),
    await measureUpload(`${count(manyFiles)} files of 1 KiB`, smallFiles(manyFiles, 1024), { discardWrites: true })
  ] as const
  const scalingRatio = round(scaling[1].seconds / scaling[0].seconds, 2)
  console.log(`Measuring at ${rttMs} ms round-trip time …`)
  const distance = await atDistance()
  // The Azure CLI's own upload, side by side, where the machine has it.
  const azCli = (await commandExists('az'))
    ? 'present but not measured: it cannot be pointed at the test proxy'
    : 'not installed'

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    submission: {
      nodeFloorMs: round(floorMs),
      actionMs: round(actionMs),
      curlRecipeMs: round(curlMs),
      actionOverFloor: round(actionMs / floorMs, 2),
      actionOverCurl: round(actionMs / curlMs, 2),
      minimalSubmissionMs: round(minimalMs),
      minimalOverFloor: round(minimalMs / floorMs, 2),
      startUpWithoutRequestsMs: round(startUpMs),
      nodeFetchGlobalsMs: round(formDataMs - httpsMs)
    },
    requestsPerSubmission: { ...requests, tlsConnections: connections },
    waiting: {
      jobSeconds: 3607,
      pollIntervalSeconds: 30,
      statusReads: wait.reads,
      noticedAfterSeconds: wait.noticedAfterMs / 1000
    },
    bundle: { totalBytes: dist.total, files: dist.files, loadedBySubmission: chunks, loadedBytes },
    peakMemoryKb: memoryKb ?? null,
    peakMemoryWith150MbAnswerKb: largeAnswerMemoryKb ?? null,
    uploads,
    downloads,
    uploadScaling: { runs: scaling, secondsRatio: scalingRatio, filesRatio: round(manyFiles / fewFiles, 2) },
    azStorageBlobUploadBatch: azCli,
    distance
  }
  const targets = [
    ['submission ≤ 4× node -e 0', results.submission.actionOverFloor <= 4],
    ['one token request per scope, one POST', (requests['token'] ?? 0) === 1 && (requests['submit'] ?? 0) === 1],
    ['≤ 130 status reads per job-hour at 30s', wait.reads <= 130],
    ['end noticed within one poll-interval', wait.noticedAfterMs <= 30_000],
    ['dist/ ≤ 2 MB', dist.total <= 2 * 1024 * 1024],
    ['a plain submission loads no upload, storage or octokit code', transferChunks.length === 0],
    [
      "a 150 MB answer: peak memory ≤ 2× a submission's",
      memoryKb === undefined || largeAnswerMemoryKb === undefined || largeAnswerMemoryKb <= 2 * memoryKb
    ],
    [
      `upload time grows at most 1.25× the files (${count(fewFiles)} → ${count(manyFiles)})`,
      scalingRatio <= 1.25 * (manyFiles / fewFiles)
    ],
    ['proxy tunnels ≤ connections (32)', scaling.every(run => run.proxyTunnels <= 32)],
    ...distanceTargets(distance)
  ] as const

  console.log('')
  console.log('| measure | value |')
  console.log('|---|---|')
  console.log(`| \`node -e 0\` (floor), median | ${results.submission.nodeFloorMs} ms |`)
  console.log(`| action submission (\`node dist/index.js\`), median | ${results.submission.actionMs} ms |`)
  console.log(`| curl recipe (token + POST), median | ${results.submission.curlRecipeMs} ms |`)
  console.log(`| action / node -e 0 | ${results.submission.actionOverFloor}× |`)
  console.log(`| action / curl recipe | ${results.submission.actionOverCurl}× |`)
  console.log(
    `| the least a submission can be with this stack (scripts/bench/minimal-submission.ts), median | ${round(minimalMs)} ms (${round(minimalMs / floorMs, 2)}×) |`
  )
  console.log(`| start-up alone: load the bundle and validate inputs, no request, median | ${round(startUpMs)} ms |`)
  console.log(
    `| of a submission: Node loading its fetch globals (\`typeof FormData\`), median | ${round(formDataMs - httpsMs)} ms |`
  )
  for (const [route, count] of Object.entries(results.requestsPerSubmission))
    console.log(`| requests: ${route} | ${count} |`)
  console.log(`| status reads, 1 h job at poll-interval 30s | ${wait.reads} |`)
  console.log(`| end of job noticed after | ${wait.noticedAfterMs / 1000} s |`)
  console.log(`| dist/ total | ${(dist.total / 1024).toFixed(0)} KiB |`)
  console.log(
    `| dist/ files a plain submission loads | ${chunks.join(', ')} (${(loadedBytes / 1024).toFixed(0)} KiB) |`
  )
  console.log(
    `| peak memory of one submission | ${memoryKb === undefined ? 'n/a (no /usr/bin/time)' : `${(memoryKb / 1024).toFixed(0)} MiB`} |`
  )
  console.log(
    `| peak memory when the endpoint answers 150 MB | ${largeAnswerMemoryKb === undefined ? 'n/a (no /usr/bin/time)' : `${(largeAnswerMemoryKb / 1024).toFixed(0)} MiB`} |`
  )
  for (const upload of uploads) {
    console.log(`| upload (whole step): ${upload.case} | ${upload.seconds} s, ${upload.mibPerSecond} MiB/s |`)
  }
  for (const download of downloads) {
    console.log(
      `| download (from the step's download group on): ${download.case} | ${download.seconds} s, ${download.mibPerSecond} MiB/s |`
    )
  }
  for (const run of scaling) {
    console.log(`| upload (whole step, writes acknowledged by the front end): ${run.case} | ${run.seconds} s |`)
    console.log(`| proxy tunnels for ${count(run.files)} files | ${run.proxyTunnels} |`)
  }
  console.log(
    `| upload time, ${count(manyFiles)} / ${count(fewFiles)} files | ${scalingRatio}× for ${round(manyFiles / fewFiles, 2)}× the files |`
  )
  console.log(`| az storage blob upload-batch | ${azCli} |`)
  printDistance(distance)
  writeResults('latest.json', results, targets)
} finally {
  await scenario.fake.close()
}

async function commandExists(command: string): Promise<boolean> {
  return new Promise(resolve => {
    const child = spawn(command, ['--version'], { stdio: 'ignore' })
    child.on('error', () => resolve(false))
    child.on('exit', code => resolve(code === 0))
  })
}

function count(files: number): string {
  return files.toLocaleString('en-US')
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits))
}
