import { request as httpsRequest } from 'node:https'
import {
  BlobSASPermissions,
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential
} from '@azure/storage-blob'
import type { Datastore } from '../fake-azure/arm-datastores.js'
import type { BatchJob } from '../fake-azure/batch-job.js'
import type { JobStorage } from '../fake-azure/job-storage.js'
import type { Azurite } from './azurite.js'

// What the deployment's compute leaves in storage, written into Azurite: the predictions of a Completed job (one row
// per scored input file) where its OutputData says, or where the service puts them by default
// (azureml/<job>/score/ in the workspace's default datastore); and the logs of the scoring step, as it runs and when
// it failed, each behind a pre-signed URL on the account's production host name.

export interface ScoringOutputsOptions {
  /** false: the job Completed without writing anything. */
  writePredictions?: boolean
  /** Blob names below the output folder to add, written byte for byte (a name may hold '..'). */
  extraBlobs?: Record<string, string>
}

const logContainer = 'azureml'

export class ScoringOutputs implements JobStorage {
  options: ScoringOutputsOptions = {}
  /** Every pre-signed log URL handed out: their signatures must never show. */
  readonly logUrls: string[] = []
  private readonly account: BlobServiceClient
  private readonly key: StorageSharedKeyCredential
  private readonly azurite: Azurite
  private readonly datastores: () => readonly Datastore[]
  /** The logs being appended to, by blob name, with their pre-signed URLs. */
  private readonly appendedLogs = new Map<string, string>()

  constructor(azurite: Azurite, datastores: () => readonly Datastore[]) {
    this.azurite = azurite
    this.datastores = datastores
    this.key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)
    this.account = new BlobServiceClient(azurite.blobUrl, this.key)
  }

  async writeOutputs(job: BatchJob): Promise<void> {
    const [name, output] = Object.entries(job.request.outputData)[0] ?? ['score', undefined]
    const target = output
      ? parseDatastoreUri(output.uri)
      : { datastore: this.defaultDatastore().name, path: `azureml/${job.name}/${name}/` }
    if (!target) return
    const fileOutput = output?.jobOutputType === 'UriFile'
    const file = fileOutput ? target.path : `${target.path.replace(/\/?$/, '/')}predictions.csv`
    const folder = fileOutput
      ? target.path.slice(0, target.path.lastIndexOf('/') + 1)
      : target.path.replace(/\/?$/, '/')
    const container = this.containerOf(target.datastore)
    if (this.options.writePredictions !== false) {
      const rows = (await this.scoredFiles(job)).map((scored, i) => `${scored},${((i * 0.137 + 0.31) % 1).toFixed(4)}`)
      const text = `${rows.join('\n')}\n`
      await container.getBlockBlobClient(file).upload(text, Buffer.byteLength(text))
    }
    for (const [below, content] of Object.entries(this.options.extraBlobs ?? {})) {
      await this.putRaw(container.containerName, `${folder}${below}`, content)
    }
  }

  async storeLogs(runId: string, logs: Record<string, string>): Promise<Record<string, string>> {
    const container = this.account.getContainerClient(logContainer)
    await container.createIfNotExists()
    const urls: Record<string, string> = {}
    for (const [name, text] of Object.entries(logs)) {
      const blobName = logBlobName(runId, name)
      await container.getBlockBlobClient(blobName).upload(text, Buffer.byteLength(text))
      urls[name] = this.signedLogUrl(blobName)
    }
    return urls
  }

  // A log the service is still writing is an append blob, as Azure ML's run logs are.
  async appendLog(runId: string, name: string, text: string): Promise<string> {
    const container = this.account.getContainerClient(logContainer)
    const blobName = logBlobName(runId, name)
    const blob = container.getAppendBlobClient(blobName)
    if (!this.appendedLogs.has(blobName)) {
      await container.createIfNotExists()
      await blob.createIfNotExists()
      this.appendedLogs.set(blobName, this.signedLogUrl(blobName))
    }
    // An append block holds at most 4 MiB.
    const bytes = Buffer.from(text)
    for (let at = 0; at < bytes.length; at += 4 * 1024 * 1024) {
      const block = bytes.subarray(at, at + 4 * 1024 * 1024)
      await blob.appendBlock(block, block.length)
    }
    return this.appendedLogs.get(blobName) ?? ''
  }

  private signedLogUrl(blobName: string): string {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: logContainer,
        blobName,
        permissions: BlobSASPermissions.parse('r'),
        startsOn: new Date(Date.now() - 60_000),
        expiresOn: new Date(Date.now() + 3_600_000)
      },
      this.key
    )
    const path = blobName.split('/').map(encodeURIComponent).join('/')
    const url = `https://${this.azurite.accountName}.blob.core.windows.net/${logContainer}/${path}?${sas.toString()}`
    this.logUrls.push(url)
    return url
  }

  /** The names of the files the job scored: every blob below a datastore input, or an input URL's last part. */
  private async scoredFiles(job: BatchJob): Promise<string[]> {
    const files: string[] = []
    for (const input of Object.values(job.request.inputData)) {
      const location = input.uri === undefined ? undefined : parseDatastoreUri(input.uri)
      if (!location) {
        if (input.uri) files.push(input.uri.replace(/\/+$/, '').split('/').pop() ?? input.uri)
        continue
      }
      if (input.jobInputType === 'UriFile') {
        files.push(location.path.split('/').pop() ?? location.path)
        continue
      }
      const prefix = location.path.replace(/\/?$/, '/')
      for await (const blob of this.containerOf(location.datastore).listBlobsFlat({ prefix })) {
        files.push(blob.name.slice(prefix.length))
      }
    }
    return files
  }

  private defaultDatastore(): Datastore {
    const all = this.datastores()
    const found = all.find(d => d.isDefault) ?? all.find(d => d.name === 'workspaceblobstore') ?? all[0]
    if (!found) throw new Error('The workspace has no datastore to write outputs to')
    return found
  }

  private containerOf(datastore: string) {
    const found = this.datastores().find(d => d.name.toLowerCase() === datastore.toLowerCase())
    if (!found) throw new Error(`The workspace has no datastore named '${datastore}'`)
    return this.account.getContainerClient(found.containerName)
  }

  // A PUT whose path is sent as written: URL parsing would resolve '..' segments, and a test needs a blob so named.
  private async putRaw(containerName: string, blobName: string, content: string): Promise<void> {
    const sas = generateBlobSASQueryParameters(
      { containerName, permissions: ContainerSASPermissions.parse('cw'), expiresOn: new Date(Date.now() + 600_000) },
      this.key
    )
    const path = blobName
      .split('/')
      .map(part => encodeURIComponent(part).replace(/\./g, '%2E'))
      .join('/')
    await new Promise<void>((resolve, reject) => {
      const body = Buffer.from(content)
      const put = httpsRequest(
        {
          host: '127.0.0.1',
          port: this.azurite.port,
          method: 'PUT',
          path: `/${this.azurite.accountName}/${containerName}/${path}?${sas.toString()}`,
          headers: { 'x-ms-blob-type': 'BlockBlob', 'content-length': body.length, 'x-ms-version': '2021-12-02' }
        },
        answer => {
          answer.resume()
          answer.on('end', () =>
            answer.statusCode === 201 ? resolve() : reject(new Error(`PUT ${blobName}: HTTP ${answer.statusCode}`))
          )
        }
      )
      put.on('error', reject)
      put.end(body)
    })
  }
}

function logBlobName(runId: string, name: string): string {
  return `ExperimentRun/dcid.${runId}/${name}`
}

function parseDatastoreUri(uri: string): { datastore: string; path: string } | undefined {
  const match =
    /^azureml:\/\/(?:subscriptions\/[^/]+\/resourcegroups\/[^/]+\/workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.+)$/i.exec(
      uri
    )
  return match ? { datastore: match[1] ?? '', path: (match[2] ?? '').replace(/^\/+/, '') } : undefined
}
