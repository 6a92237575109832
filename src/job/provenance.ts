/** The parts of the workflow run a job is tagged with (from @actions/github's context). */
export interface RunContext {
  repository: string
  workflow: string
  runId: number
  runAttempt: number
  sha: string
  ref: string
  serverUrl: string
}

/** Tags that lead from a job in Azure ML studio back to the workflow run that started it. */
export function provenanceTags(run: RunContext): Record<string, string> {
  const tags: Record<string, string> = {
    'github.repository': run.repository,
    'github.workflow': run.workflow,
    'github.run_id': String(run.runId),
    'github.run_attempt': String(run.runAttempt),
    'github.sha': run.sha,
    'github.ref': run.ref
  }
  if (run.repository && run.runId)
    tags['github.run_url'] = `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
  return Object.fromEntries(
    Object.entries(tags).filter(([, value]) => value !== '' && value !== '0' && value !== 'NaN')
  )
}
