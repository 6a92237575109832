// The fake's GitHub REST API (compare two commits) against the real @actions/github octokit over real TLS: what the
// action will ask for a push's changed files, as GitHub answers it, pages and limits included.
import { request as httpsRequest } from 'node:https'
import { getOctokit } from '@actions/github'
import { inProcessFakeAzure } from '../../test/unit/in-process-fake.js'

const before = '1111111111111111111111111111111111111111'
const after = '2222222222222222222222222222222222222222'
const repo = { owner: 'contoso', repo: 'heart-data' }

const fake = inProcessFakeAzure()

describe('GitHub compare two commits', () => {
  it('answers octokit with the changed files, as @actions/github sends the request', async () => {
    fake().githubApi.setCompare(`${before}...${after}`, [
      { filename: 'data/heart/part-1.csv', status: 'modified', additions: 3, deletions: 1 },
      { filename: 'data/heart/part-2.csv', status: 'added' },
      { filename: 'data/heart/old.csv', status: 'removed' },
      { filename: 'data/heart/part-3.csv', status: 'renamed', previous_filename: 'data/heart/p3.csv' }
    ])
    const octokit = getOctokit(fake().githubApi.token, { baseUrl: fake().url })

    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${before}...${after}` })

    expect(data).toMatchObject({ status: 'ahead', ahead_by: 1, behind_by: 0, total_commits: 1 })
    expect(data.commits.map(c => c.sha)).toEqual([after])
    expect(data.files?.map(f => [f.filename, f.status, f.previous_filename])).toEqual([
      ['data/heart/part-1.csv', 'modified', undefined],
      ['data/heart/part-2.csv', 'added', undefined],
      ['data/heart/old.csv', 'removed', undefined],
      ['data/heart/part-3.csv', 'renamed', 'data/heart/p3.csv']
    ])
    expect(data.files?.[0]).toMatchObject({ additions: 3, deletions: 1, changes: 4 })
    const [sent] = fake().requestsTo('githubCompare')
    expect(sent?.path).toBe(`/repos/contoso/heart-data/compare/${before}...${after}`)
    expect(sent?.headers).toMatchObject({
      authorization: `token ${fake().githubApi.token}`,
      accept: 'application/vnd.github.v3+json',
      'user-agent': expect.stringContaining('octokit-core.js/')
    })
  })

  it('pages the commits with a Link header; the files come whole on page 1 only', async () => {
    const basehead = `${before}...feature%2Fscoring`
    const files = [{ filename: 'a.csv', status: 'added' as const }]
    fake().githubApi.setCompare(`${before}...feature/scoring`, files, { commits: 5 })
    const octokit = getOctokit(fake().githubApi.token, { baseUrl: fake().url })

    const pages = []
    const iterator = octokit.paginate.iterator(octokit.rest.repos.compareCommitsWithBasehead, {
      ...repo,
      basehead: `${before}...feature/scoring`,
      per_page: 2
    })
    for await (const page of iterator) pages.push(page)

    const requests = fake().requestsTo('githubCompare').slice(-3)
    expect(requests.map(r => new URL(r.path, fake().url).search)).toEqual([
      '?per_page=2',
      '?per_page=2&page=2',
      '?per_page=2&page=3'
    ])
    expect(requests[0]?.path).toContain(basehead)
    expect(pages).toHaveLength(3)
    expect(pages[0]?.headers.link).toMatch(/page=2>; rel="next", <[^>]*page=3>; rel="last"$/)
    const data = pages.map(p => p.data as unknown as { commits: unknown[]; files: unknown[]; total_commits: number })
    expect(data.map(d => d.commits.length)).toEqual([2, 2, 1])
    expect(data.map(d => d.files.length)).toEqual([1, 0, 0])
    expect(data[0]?.total_commits).toBe(5)
  })

  it('lists at most 300 files, however many changed', async () => {
    const files = Array.from({ length: 301 }, (_, i) => ({ filename: `f${i}.csv`, status: 'added' as const }))
    fake().githubApi.setCompare(`${before}...${after}`, files)
    const octokit = getOctokit(fake().githubApi.token, { baseUrl: fake().url })
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${before}...${after}` })
    expect(data.files).toHaveLength(300)
  })

  it('refuses a token it does not know with 401 Bad credentials, and hides the repository without one', async () => {
    const octokit = getOctokit('ghs_notTheWorkflowToken', { baseUrl: fake().url })
    await expect(
      octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead: `${before}...${after}` })
    ).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Bad credentials') })

    const anonymous = await new Promise<number>((resolve, reject) => {
      const request = httpsRequest(`${fake().url}/repos/contoso/heart-data/compare/${before}...${after}`, response => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', reject)
      request.end()
    })
    expect(anonymous).toBe(404)
  })
})
