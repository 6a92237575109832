// Job statuses as Azure ML reports them (JobStatus in the REST API). Only Completed is success.

export type StatusClass = 'running' | 'succeeded' | 'failed'

const running = new Set([
  'NotStarted',
  'Starting',
  'Provisioning',
  'Preparing',
  'Queued',
  'Running',
  'Finalizing',
  'CancelRequested',
  'Unknown'
])
const failed = new Set(['Failed', 'Canceled', 'NotResponding', 'Paused'])

export function classifyStatus(status: string): StatusClass {
  if (status === 'Completed') return 'succeeded'
  if (failed.has(status)) return 'failed'
  return 'running'
}

/** A status this action does not know yet: followed as still running, and worth a log line. */
export function isKnownStatus(status: string): boolean {
  return status === 'Completed' || failed.has(status) || running.has(status)
}
