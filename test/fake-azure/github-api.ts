import { randomBytes, randomUUID } from 'node:crypto'
import { jsonReply, originOf, type RecordedRequest, type Reply, type Route } from './exchange.js'
import {
  commitEntry,
  commitShas,
  fileEntry,
  linkHeader,
  maxComparedFiles,
  shaOf,
  type ChangedFile,
  type Comparison
} from './github-compare.js'

// GitHub's REST API, the part the action asks for a push's changed files: GET /repos/{owner}/{repo}/compare/
// {base}...{head}, as @actions/github's octokit sends it (`authorization: token <GITHUB_TOKEN>`). It answers at the
// fake's origin, so tests give the action GITHUB_API_URL=<fake url>.

const docs = 'https://docs.github.com/rest/commits/commits#compare-two-commits'

export interface GitHubApiOptions {
  /** The job's GITHUB_TOKEN, the one token the API takes: a random ghs_ token when not given. */
  token?: string
}

export class GitHubApi {
  /** The job's GITHUB_TOKEN: the one token the API takes. */
  readonly token: string
  private readonly comparisons = new Map<string, Comparison>()
  private readonly repository: () => string
  private remaining = 5000

  readonly routes: Route[] = [
    {
      name: 'githubCompare',
      method: 'GET',
      path: /^\/repos\/(?<owner>[^/]+)\/(?<repo>[^/]+)\/compare\/(?<basehead>[^/]+)$/,
      handle: (request, params) => this.compare(request, params)
    }
  ]

  /** `repository` is owner/name of the one repository the API knows: the fake GitHub's. */
  constructor(repository: () => string, options: GitHubApiOptions = {}) {
    this.repository = repository
    this.token = options.token ?? `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x')}`
  }

  /**
   * What comparing `basehead` (`<base>...<head>`) answers from now on: `files` changed over `commits` commits (1
   * unless given). GitHub lists at most 300 files, so a test can show the action a comparison that is cut short.
   */
  setCompare(basehead: string, files: ChangedFile[], options: { commits?: number } = {}): void {
    const [base, head] = basehead.split('...')
    if (!base || !head) throw new Error(`setCompare takes '<base>...<head>', not '${basehead}'`)
    this.comparisons.set(basehead, { base, head, files, commits: options.commits ?? 1 })
  }

  // Pagination pages the commits. Files come whole on the first page (cut at 300) and not at all on later ones.
  private compare(request: RecordedRequest, params: Record<string, string>): Reply {
    const denied = this.authenticate(request)
    if (denied) return denied
    const repository = `${params['owner']}/${params['repo']}`
    const comparison = this.comparisons.get(decodeURIComponent(params['basehead'] ?? ''))
    if (repository.toLowerCase() !== this.repository().toLowerCase() || !comparison) return this.notFound()

    const api = originOf(request)
    const url = new URL(request.path, api)
    const query = url.searchParams
    const paged = query.has('page') || query.has('per_page')
    const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100)
    const page = Math.max(Number(query.get('page') ?? 1) || 1, 1)
    const shas = commitShas(comparison)
    // Unpaged, GitHub gives the latest 250 commits; paged, the pages run oldest first.
    const listed = paged ? shas.slice((page - 1) * perPage, page * perPage) : shas.slice(-250)
    const base = comparison.base
    const body = {
      url: `${api}/repos/${repository}/compare/${base}...${comparison.head}`,
      html_url: `https://github.com/${repository}/compare/${base}...${comparison.head}`,
      permalink_url: `https://github.com/${repository}/compare/${shaOf(base)}...${shas.at(-1) ?? shaOf(base)}`,
      diff_url: `https://github.com/${repository}/compare/${base}...${comparison.head}.diff`,
      patch_url: `https://github.com/${repository}/compare/${base}...${comparison.head}.patch`,
      base_commit: commitEntry(api, repository, shaOf(base), shaOf(`${base}^`)),
      merge_base_commit: commitEntry(api, repository, shaOf(base), shaOf(`${base}^`)),
      status: shas.length === 0 ? 'identical' : 'ahead',
      ahead_by: shas.length,
      behind_by: 0,
      total_commits: shas.length,
      commits: listed.map(sha => {
        const index = shas.indexOf(sha)
        return commitEntry(api, repository, sha, index === 0 ? shaOf(base) : (shas[index - 1] ?? shaOf(base)))
      }),
      files:
        page === 1
          ? comparison.files.slice(0, maxComparedFiles).map(f => fileEntry(api, repository, comparison.head, f))
          : []
    }
    const link = paged ? linkHeader(url, page, Math.max(Math.ceil(shas.length / perPage), 1)) : undefined
    return jsonReply(200, body, { ...this.headers(), ...(link === undefined ? {} : { link }) })
  }

  // A private repository: without a token GitHub does not admit it exists; a token it does not know is refused.
  private authenticate(request: RecordedRequest): Reply | undefined {
    const header = request.headers['authorization']
    if (header === undefined) return this.notFound()
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(header)?.[1]
    if (token === this.token) return undefined
    const body = { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }
    return jsonReply(401, body, { 'x-github-request-id': this.requestId() })
  }

  private notFound(): Reply {
    return jsonReply(404, { message: 'Not Found', documentation_url: docs, status: '404' }, this.headers())
  }

  /** What GitHub puts on every answer to an authenticated caller: its rate limit, the API version, a request id. */
  private headers(): Record<string, string> {
    this.remaining--
    return {
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(this.remaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - this.remaining),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': this.requestId()
    }
  }

  private requestId(): string {
    return randomUUID().toUpperCase().replace(/-/g, ':').slice(0, 32)
  }
}
