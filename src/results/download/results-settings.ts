import { randomUUID } from 'node:crypto'
import { isAbsolute, relative, resolve } from 'node:path'
import { InputError } from '../../input-formats.js'
import type { InputAccess } from '../../input-access.js'
import type { JobOutput } from '../../job/job-definition.js'
import { logSafe } from '../../untrusted-text.js'
import { realFolders } from './download-folder.js'
import { chooseOutput, isInsideFolder, parseDatastoreUri } from './output-location.js'

/** download-path: where the job's output lands once it Completed. */
export interface ResultsSettings {
  /** The workspace, absolute: download-path and everything below it are reached through no link from here. */
  workspace: string
  /** Absolute, inside the workspace. */
  downloadPath: string
  /** The output to download; the action chose its location unless `chosen` is false. */
  output: JobOutput
  chosen: boolean
  /**
   * job-id without output-uri: the output is the followed job's own, named output-name; `output.uri` is '' until the
   * job is read (outputFromJob).
   */
  fromJob: boolean
}

export interface ResultsContext {
  wait: boolean
  /** The job's output as the workflow gave it (output-uri), if it did. */
  output: JobOutput | undefined
  outputFileName: string | undefined
  /** input-path's datastore folder, which the results must stay out of. */
  upload: { datastore: string; prefix: string } | undefined
  /** job-id: the job exists already, and its output is where it is. */
  followsJob: boolean
  env: Record<string, string | undefined>
}

/** Reads download-path; checks it against wait and the workspace before anything is sent. */
export function readResults({ get, check }: InputAccess, context: ResultsContext): ResultsSettings | undefined {
  const given = get('download-path')
  if (!given) return undefined
  return check(() => {
    if (!context.wait) {
      throw new InputError(
        "Input 'download-path' needs 'wait: true': the results exist only once the job has Completed."
      )
    }
    const workspace = resolve(context.env['GITHUB_WORKSPACE'] || process.cwd())
    const downloadPath = resolve(workspace, given)
    const rel = relative(workspace, downloadPath)
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new InputError(`Input 'download-path' ('${given}') points outside the workspace ${workspace}.`)
    }
    // Looked at again when the results come: an earlier step may change it meanwhile.
    realFolders(
      workspace,
      downloadPath,
      false,
      what =>
        new InputError(
          `Input 'download-path' ('${logSafe(given)}') is or lies below ${what}; the action writes only into real ` +
            'folders of the workspace. Choose another download-path.'
        )
    )
    if (context.output) return { workspace, downloadPath, output: context.output, chosen: false, fromJob: false }
    if (context.followsJob) {
      const output = { name: get('output-name') || 'score', type: 'UriFile' as const, uri: '' }
      return { workspace, downloadPath, output, chosen: false, fromJob: true }
    }
    const datastore = get('datastore') || 'workspaceblobstore'
    const output = chooseOutput(get('output-name') || 'score', context.outputFileName, datastore, {
      repository: context.env['GITHUB_REPOSITORY'] || 'local',
      runId: context.env['GITHUB_RUN_ID'] || '0',
      runAttempt: context.env['GITHUB_RUN_ATTEMPT'] || '1',
      job: (context.env['GITHUB_JOB'] || 'job').replace(/[^A-Za-z0-9_.-]/g, '-'),
      unique: randomUUID().slice(0, 8)
    })
    const location = parseDatastoreUri(output.uri)
    const upload = context.upload
    if (location && upload && isInsideFolder(location, upload.datastore, upload.prefix)) {
      throw new InputError(
        `Input 'upload-prefix' ('${upload.prefix}') holds the results location ${output.uri}: the job would ` +
          "score its own results next time. Choose another 'upload-prefix', or give 'output-uri'."
      )
    }
    return { workspace, downloadPath, output, chosen: true, fromJob: false }
  })
}
