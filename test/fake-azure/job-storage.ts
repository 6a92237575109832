import type { BatchJob } from './batch-job.js'

/**
 * What a job leaves in storage: the predictions of a Completed job and the logs of its scoring step. The fake's own
 * server knows no storage; a scenario that runs a blob service plugs one in (test/storage/scoring-outputs.ts).
 */
export interface JobStorage {
  /** Writes the job's outputs where its OutputData says, or where the service puts them by default. */
  writeOutputs(job: BatchJob): Promise<void>
  /** Stores a run's logs; answers each log's pre-signed URL, as run history's `logFiles` gives them. */
  storeLogs(runId: string, logs: Record<string, string>): Promise<Record<string, string>>
  /** Appends to a run's log, which is created (empty) first if need be; answers its pre-signed URL. */
  appendLog(runId: string, name: string, text: string): Promise<string>
}
