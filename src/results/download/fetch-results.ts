import { filesAtOnce } from '../../storage/blob-container.js'
import type { TokenCredential } from '@azure/identity'
import type { SendAzureRequest } from '../../azure/azure-pipeline.js'
import type { SubmittedJob } from '../../job/submitted-job.js'
import type { Cloud } from '../../sign-in/clouds.js'
import { withDatastoreContainer, type ContainerAccessLog } from '../../storage/container-access.js'
import { logSafe } from '../../untrusted-text.js'
import { untilAborted } from '../../workflow-cancellation.js'
import { parseWorkspaceId } from '../../workspace-id.js'
import type { ResultsSettings } from './results-settings.js'
import { downloadResults } from './download.js'
import { parseDatastoreUri } from './output-location.js'
import { isCsv, previewCsv, resultsMarkdown } from './results-preview.js'
import type { ResultFile } from './result-files.js'

export interface FetchedResults {
  files: ResultFile[]
  /** The downloaded file of a single-file output. */
  resultsFile: string | undefined
  markdown: string
}

/** Downloads a Completed job's output into download-path and previews it for the step summary. */
export async function fetchResults(
  results: ResultsSettings,
  job: SubmittedJob,
  azure: { arm: SendAzureRequest; resourceManager: string; cloud: Cloud; credential: TokenCredential },
  log: ContainerAccessLog,
  signal: AbortSignal
): Promise<FetchedResults> {
  const { output, downloadPath } = results
  const location = parseDatastoreUri(output.uri)
  if (!location) throw new Error(`The output ${logSafe(output.uri)} is not a datastore path; it cannot be downloaded.`)
  const workspace = location.workspace ?? parseWorkspaceId(job.id)?.workspace
  if (!workspace)
    throw new Error(`The job's id '${logSafe(job.id)}' names no Azure ML workspace to read the results from.`)
  // Both are inputs as given (output-uri, download-path), which may come from event data.
  log.info(`Downloading ${logSafe(output.uri)} into ${logSafe(downloadPath)}`)
  // The download stops at the signal itself (removing partial files); the datastore lookups before it are let go.
  const download = withDatastoreContainer(
    { ...azure, workspace, datastore: location.datastore, log },
    { verb: 'read', role: 'Storage Blob Data Reader' },
    container =>
      downloadResults(container, {
        type: output.type,
        path: location.path,
        uri: output.uri,
        workspace: results.workspace,
        downloadPath,
        concurrency: filesAtOnce,
        signal,
        log: line => log.info(line)
      })
  )
  const files = await untilAborted(download, signal)
  const csv = files.find(isCsv)
  const preview = csv ? await previewCsv(csv) : undefined
  return {
    files,
    resultsFile: output.type === 'UriFile' ? files[0]?.localPath : undefined,
    markdown: resultsMarkdown(files, downloadPath, preview)
  }
}
