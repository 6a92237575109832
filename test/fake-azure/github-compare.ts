import { createHash } from 'node:crypto'

// The shapes of GitHub's "Compare two commits" answer (GET /repos/{owner}/{repo}/compare/{base}...{head}), with just
// enough of each commit and file for a client that wants the files a push changed.

export interface ChangedFile {
  filename: string
  status: 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  additions?: number
  deletions?: number
  /** For a renamed file: where it was. */
  previous_filename?: string
}

export interface Comparison {
  base: string
  head: string
  files: ChangedFile[]
  /** How many commits head is ahead of base. */
  commits: number
}

/** GitHub lists at most this many files for a whole comparison, on its first page, and says nothing of the rest. */
export const maxComparedFiles = 300

/** A stable, SHA-shaped name for anything. */
export function shaOf(text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

/** The SHAs of a comparison's commits, oldest first; the last is head itself when head is a SHA. */
export function commitShas(comparison: Comparison): string[] {
  const shas = Array.from({ length: comparison.commits }, (_, i) => shaOf(`${comparison.base}:${i}`))
  if (/^[0-9a-f]{40}$/.test(comparison.head) && shas.length > 0) shas[shas.length - 1] = comparison.head
  return shas
}

export function commitEntry(api: string, repository: string, sha: string, parent: string): unknown {
  const date = '2025-06-02T08:15:00Z'
  const who = { name: 'Octo Cat', email: 'octocat@users.noreply.github.com', date }
  return {
    sha,
    node_id: `C_${Buffer.from(sha).toString('base64url').slice(0, 24)}`,
    commit: {
      author: who,
      committer: who,
      message: `Update data (${sha.slice(0, 7)})`,
      tree: { sha: shaOf(`tree:${sha}`), url: `${api}/repos/${repository}/git/trees/${shaOf(`tree:${sha}`)}` },
      url: `${api}/repos/${repository}/git/commits/${sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null }
    },
    url: `${api}/repos/${repository}/commits/${sha}`,
    html_url: `https://github.com/${repository}/commit/${sha}`,
    comments_url: `${api}/repos/${repository}/commits/${sha}/comments`,
    author: null,
    committer: null,
    parents: [{ sha: parent, url: `${api}/repos/${repository}/commits/${parent}` }]
  }
}

export function fileEntry(api: string, repository: string, head: string, file: ChangedFile): unknown {
  const additions = file.additions ?? (file.status === 'removed' ? 0 : 1)
  const deletions = file.deletions ?? (file.status === 'added' ? 0 : 1)
  const path = file.filename.split('/').map(encodeURIComponent).join('/')
  return {
    sha: shaOf(`blob:${file.filename}:${head}`),
    filename: file.filename,
    status: file.status,
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `https://github.com/${repository}/blob/${head}/${path}`,
    raw_url: `https://github.com/${repository}/raw/${head}/${path}`,
    contents_url: `${api}/repos/${repository}/contents/${path}?ref=${head}`,
    ...(file.previous_filename === undefined ? {} : { previous_filename: file.previous_filename })
  }
}

/** GitHub's Link header: `<url>; rel="next"` and friends, each pointing at the same query with another page. */
export function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
  const at = (n: number) => {
    const target = new URL(url)
    target.searchParams.set('page', String(n))
    return `<${target.toString()}>`
  }
  const links: string[] = []
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`)
  if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`)
  if (page > 1) links.push(`${at(1)}; rel="first"`)
  return links.length === 0 ? undefined : links.join(', ')
}
