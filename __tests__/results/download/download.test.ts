// The download against a blob service that misbehaves (scripted), with short bounds: what it writes, what it refuses,
// and that it removes what it could not finish.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ContainerClient } from '@azure/storage-blob'
import { downloadResults, type DownloadOptions } from '../../../src/results/download/download.js'
import { WorkflowCancelledError } from '../../../src/workflow-cancellation.js'
import { startScriptedBlobs, type ScriptedBlobs } from '../../../test/storage/scripted-blobs.js'

let service: ScriptedBlobs
beforeAll(async () => (service = await startScriptedBlobs()))
afterAll(async () => service.close())

let workspace: string
let lines: string[]
beforeEach(() => {
  service.blobs.clear()
  service.reads.length = 0
  service.endlessPages = undefined
  service.listingStallsAfter = undefined
  service.listings = 0
  workspace = mkdtempSync(join(tmpdir(), 'workspace-'))
  lines = []
})

function blob(content: string, more: { listedSize?: number; stallAfter?: number } = {}) {
  return { body: Buffer.from(content), listedSize: more.listedSize ?? Buffer.byteLength(content), ...more }
}

function download(options: Partial<DownloadOptions> = {}) {
  return downloadResults(new ContainerClient(service.url), {
    type: 'UriFolder',
    path: 'out/',
    uri: 'azureml://datastores/workspaceblobstore/paths/out/',
    workspace,
    downloadPath: join(workspace, 'results'),
    concurrency: 4,
    signal: new AbortController().signal,
    log: line => lines.push(line),
    // Long enough that a loaded machine does not stall a healthy download; the stall test gives its own.
    stallBounds: { quietMs: 2_000, stallMs: 5_000 },
    checkEveryMs: 50,
    ...options
  })
}

function written(): string[] {
  return readdirSync(workspace, { recursive: true }).map(String).sort()
}

describe('downloadResults', () => {
  it('writes each blob below download-path, keeping the structure', async () => {
    service.blobs.set('out/predictions.csv', blob('a,1\n'))
    service.blobs.set('out/parts/1.csv', blob('b,2\n'))
    const files = await download()
    expect(files.map(file => file.relativePath).sort()).toEqual(['parts/1.csv', 'predictions.csv'])
    expect(readFileSync(join(workspace, 'results', 'parts', '1.csv'), 'utf8')).toBe('b,2\n')
  })

  it('writes no more than the listing gave: a longer body fails naming the file, which is removed', async () => {
    service.blobs.set('out/predictions.csv', { body: Buffer.alloc(4 * 1024 * 1024, 120), listedSize: 16 })
    await expect(download()).rejects.toThrow(
      /^Could not download predictions\.csv: the blob service sent more than the 16 bytes its listing gave/
    )
    expect(written()).toEqual(['results'])
  })

  it('gives up a body that stops coming past the stall bound, naming the file, and removes it', async () => {
    service.blobs.set('out/done.csv', blob('x\n'))
    service.blobs.set('out/slow.csv', blob('0123456789', { stallAfter: 3 }))
    await expect(download({ stallBounds: { quietMs: 200, stallMs: 500 } })).rejects.toThrow(
      /^Could not download slow\.csv: the blob service sent no byte of it for 0\.5 s/
    )
    expect(
      lines.some(line => /^No progress for \d+ s on slow\.csv: the blob service has sent no byte/.test(line))
    ).toBe(true)
    expect(existsSync(join(workspace, 'results', 'slow.csv'))).toBe(false)
  })

  it('stops at once when the workflow run is cancelled, removing the file in progress', async () => {
    service.blobs.set('out/slow.csv', blob('0123456789', { stallAfter: 3 }))
    const cancel = new AbortController()
    const downloading = download({ signal: cancel.signal, stallBounds: { quietMs: 60_000, stallMs: 60_000 } })
    while (!existsSync(join(workspace, 'results', 'slow.csv'))) await new Promise(resolve => setTimeout(resolve, 10))
    const cancelledAt = Date.now()
    cancel.abort(new WorkflowCancelledError('The workflow run was cancelled.'))
    await expect(downloading).rejects.toThrow('The workflow run was cancelled.')
    expect(Date.now() - cancelledAt).toBeLessThan(1_000)
    expect(existsSync(join(workspace, 'results', 'slow.csv'))).toBe(false)
  })

  it('stops a listing that never ends at its bounds, before downloading anything', async () => {
    const bounds = { maxEntries: 2_500, maxPages: 50, pageTimeoutMs: 10_000 }
    service.endlessPages = 1_000
    await expect(download({ listingBounds: bounds })).rejects.toThrow(
      /^The listing of azureml:\S+ ran past 2500 blobs or 50 pages; nothing was downloaded/
    )
    // Pages that hold nothing, but always name a next one.
    service.endlessPages = 0
    await expect(download({ listingBounds: bounds })).rejects.toThrow(/ran past 2500 blobs or 50 pages/)
    expect(service.reads).toEqual([])
    expect(written()).toEqual([])
  })

  it('ends a listing whose next page never comes, naming it, before downloading anything', async () => {
    service.endlessPages = 10
    service.listingStallsAfter = 2
    await expect(download({ listingBounds: { maxEntries: 1_000, maxPages: 100, pageTimeoutMs: 300 } })).rejects.toThrow(
      'Could not download the list of results at azureml://datastores/workspaceblobstore/paths/out/: no page of it ' +
        'came within 0.3 s'
    )
    expect(service.listings).toBe(3)
    expect(service.reads).toEqual([])
    expect(written()).toEqual([])
  })

  it('refuses names that would become one file, downloading nothing', async () => {
    service.blobs.set('out/a/b.csv', blob('1\n'))
    service.blobs.set('out/a//b.csv', blob('2\n'))
    await expect(download()).rejects.toThrow(
      /^The blob 'out\/a\/\/b\.csv' and the blob 'out\/a\/b\.csv' would both be written to a\/b\.csv/
    )
    expect(service.reads).toEqual([])
  })

  it('refuses a name with a control character, showing it escaped', async () => {
    service.blobs.set('out/a\u0000\n::error::forged.csv', blob('1\n'))
    const refusal = download()
    await expect(refusal).rejects.toThrow("The blob 'out/a\\u0000\\n::error::forged.csv' holds a control character")
    await expect(refusal).rejects.toThrow(/^[^\n\0]*$/)
  })

  it('overwrites nothing: a file already there refuses the download before anything is read', async () => {
    service.blobs.set('out/predictions.csv', blob('new\n'))
    mkdirSync(join(workspace, 'results'))
    writeFileSync(join(workspace, 'results', 'predictions.csv'), 'mine\n')
    await expect(download()).rejects.toThrow(
      "Input 'download-path': results/predictions.csv already exists, and the action overwrites nothing"
    )
    expect(service.reads).toEqual([])
    expect(readFileSync(join(workspace, 'results', 'predictions.csv'), 'utf8')).toBe('mine\n')
  })

  it('writes through no symbolic link: not download-path, a folder or a file below it', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'))
    writeFileSync(join(outside, 'predictions.csv'), 'outside\n')
    service.blobs.set('out/predictions.csv', blob('new\n'))
    symlinkSync(outside, join(workspace, 'results'))
    await expect(download()).rejects.toThrow(
      "Input 'download-path': the result predictions.csv would be written in or below results, a symbolic link"
    )

    const linkedFolder = mkdtempSync(join(tmpdir(), 'workspace-'))
    mkdirSync(join(linkedFolder, 'results'))
    symlinkSync(outside, join(linkedFolder, 'results', 'parts'))
    service.blobs.set('out/parts/predictions.csv', blob('new\n'))
    await expect(download({ workspace: linkedFolder, downloadPath: join(linkedFolder, 'results') })).rejects.toThrow(
      'in or below results/parts, a symbolic link'
    )

    const linkedFile = mkdtempSync(join(tmpdir(), 'workspace-'))
    mkdirSync(join(linkedFile, 'results'))
    symlinkSync(join(outside, 'predictions.csv'), join(linkedFile, 'results', 'predictions.csv'))
    await expect(download({ workspace: linkedFile, downloadPath: join(linkedFile, 'results') })).rejects.toThrow(
      'results/predictions.csv already exists'
    )
    expect(service.reads).toEqual([])
    expect(readFileSync(join(outside, 'predictions.csv'), 'utf8')).toBe('outside\n')
  })

  it('never writes into a .git folder, with download-path the workspace itself', async () => {
    service.blobs.set('out/.git/config', blob('[core]\n\thooksPath = /tmp\n'))
    await expect(download({ downloadPath: workspace })).rejects.toThrow(
      "The blob 'out/.git/config' would be written into a .git folder"
    )
    expect(service.reads).toEqual([])
  })
})
