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

// The variables @actions/github's context reads, read directly: its module would bring the whole GitHub API client
// into every run, where only input-path's changed-only needs it.
export function runContextFrom(env: NodeJS.ProcessEnv): RunContext {
  return {
    repository: env['GITHUB_REPOSITORY'] ?? '',
    workflow: env['GITHUB_WORKFLOW'] ?? '',
    runId: Number(env['GITHUB_RUN_ID']),
    runAttempt: Number(env['GITHUB_RUN_ATTEMPT']),
    sha: env['GITHUB_SHA'] ?? '',
    ref: env['GITHUB_REF'] ?? '',
    serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com'
  }
}
