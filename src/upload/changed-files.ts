// Which files a push added or modified. The push payload lists them, but not always completely: it carries at most
// 20 commits, and a forced push or a new branch does not describe what changed against what came before. Then the
// GitHub API's compare answers instead.

export interface PushPayload {
  before?: string
  after?: string
  created?: boolean
  forced?: boolean
  commits?: { added?: string[]; removed?: string[]; modified?: string[] }[]
  repository?: { default_branch?: string }
}

export type ChangedFiles = { files: Set<string> } | { compare: { base: string; head: string }; why: string }

const payloadCommitLimit = 20
const noCommit = /^0+$/

export interface PullRequestPayload {
  pull_request?: { base?: { sha?: string }; head?: { sha?: string } }
}

/**
 * The changed files from the payload, or the comparison to ask the API for and why; an error naming the field when
 * the payload lacks what the comparison needs. Pure.
 */
export function changedFilesFromPush(payload: PushPayload): ChangedFiles {
  const commits = payload.commits ?? []
  const compare = (base: [string, string | undefined], why: string): ChangedFiles => ({
    compare: { base: field('push', ...base), head: field('push', 'after', payload.after) },
    why
  })
  if (payload.created || noCommit.test(payload.before ?? '')) {
    const base = payload.repository?.default_branch
    return compare(['repository.default_branch', base], `the push created a branch: compared with ${base}`)
  }
  if (payload.forced) return compare(['before', payload.before], 'the push was forced')
  if (commits.length >= payloadCommitLimit) {
    return compare(['before', payload.before], `the push payload lists only ${payloadCommitLimit} commits`)
  }
  // In commit order, so that a file added and then removed within the push does not count.
  const files = new Set<string>()
  for (const commit of commits) {
    for (const file of [...(commit.added ?? []), ...(commit.modified ?? [])]) files.add(file)
    for (const file of commit.removed ?? []) files.delete(file)
  }
  return { files }
}

/** A pull request's changes are its base compared with its head. Pure. */
export function comparisonOfPullRequest(event: string, payload: PullRequestPayload): { base: string; head: string } {
  return {
    base: field(event, 'base.sha', payload.pull_request?.base?.sha),
    head: field(event, 'head.sha', payload.pull_request?.head?.sha)
  }
}

function field(event: string, name: string, value: string | undefined): string {
  if (typeof value === 'string' && value !== '') return value
  throw new Error(
    `The ${event} event has no ${name}; without it GitHub cannot say which files changed. Check the event that ` +
      'started the run (GITHUB_EVENT_PATH), or set changed-only to false to score every file input-path matches.'
  )
}

export interface ComparedFile {
  filename: string
  status: string
}

/** The files of a compare answer that exist after the push: everything but removals. */
export function changedFilesFromCompare(files: ComparedFile[]): Set<string> {
  return new Set(files.filter(file => file.status !== 'removed').map(file => file.filename))
}
