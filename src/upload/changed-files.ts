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

/** The changed files from the payload, or the comparison to ask the API for and why. Pure. */
export function changedFilesFromPush(payload: PushPayload): ChangedFiles {
  const head = payload.after ?? ''
  const commits = payload.commits ?? []
  if (payload.created || noCommit.test(payload.before ?? '')) {
    const base = payload.repository?.default_branch ?? ''
    return { compare: { base, head }, why: `the push created a branch: compared with ${base}` }
  }
  if (payload.forced) return { compare: { base: payload.before ?? '', head }, why: 'the push was forced' }
  if (commits.length >= payloadCommitLimit) {
    return {
      compare: { base: payload.before ?? '', head },
      why: `the push payload lists only ${payloadCommitLimit} commits`
    }
  }
  // In commit order, so that a file added and then removed within the push does not count.
  const files = new Set<string>()
  for (const commit of commits) {
    for (const file of [...(commit.added ?? []), ...(commit.modified ?? [])]) files.add(file)
    for (const file of commit.removed ?? []) files.delete(file)
  }
  return { files }
}

export interface ComparedFile {
  filename: string
  status: string
}

/** The files of a compare answer that exist after the push: everything but removals. */
export function changedFilesFromCompare(files: ComparedFile[]): Set<string> {
  return new Set(files.filter(file => file.status !== 'removed').map(file => file.filename))
}
