import { setTimeout as sleep } from 'node:timers/promises'
import type { SendAzureRequest } from '../azure/azure-pipeline.js'
import { describeAnswer } from '../azure/service-errors.js'
import { submissionTag } from '../job/job-request.js'
import { jobsApiVersion } from './arm-job.js'

export interface JobSearchBounds {
  /** How many times the workspace's jobs are listed: a job the endpoint took a moment ago may not be listed yet. */
  lookups: number
  /** The wait before each lookup after the first. */
  intervalMs: number
  /** Pages read per lookup: the tag's key is the action's, so the list holds every job it has submitted there. */
  pages: number
}

export const jobSearchBounds: JobSearchBounds = { lookups: 3, intervalMs: 10_000, pages: 10 }

export type JobSearch = { found: { name: string; id: string } } | { absent: string } | { unknown: string }

interface JobPage {
  value?: { name?: unknown; id?: unknown; properties?: { tags?: Record<string, unknown> | null } }[]
  nextLink?: unknown
}

/**
 * Looks for the job of one submission in the workspace through Resource Manager (Jobs_List filtered by the key of the
 * tag every submission carries, its value compared here): read-only, so unlike a replay of the submission it can
 * never create the job it looks for. `absent` only when every lookup read the whole list; `unknown` when a lookup
 * could not, and then only a replay can tell.
 */
export async function findSubmittedJob(
  arm: SendAzureRequest,
  workspaceUrl: string,
  submissionId: string,
  signal?: AbortSignal,
  bounds: JobSearchBounds = jobSearchBounds
): Promise<JobSearch> {
  const first = `${workspaceUrl}/jobs?api-version=${jobsApiVersion}&tag=${encodeURIComponent(submissionTag)}`
  for (let lookup = 1; lookup <= bounds.lookups; lookup++) {
    if (lookup > 1) await sleep(bounds.intervalMs, undefined, { signal }).catch(() => signal?.throwIfAborted())
    let url: string | undefined = first
    for (let page = 1; url; page++) {
      if (page > bounds.pages) return { unknown: `the workspace lists more than ${bounds.pages} pages of its jobs` }
      const answer = await arm({ method: 'GET', url, timeoutMs: 30_000, signal })
      if (answer.status !== 200) return { unknown: `listing the workspace's jobs got ${describeAnswer(answer)}` }
      let body: JobPage
      try {
        body = JSON.parse(answer.bodyText) as JobPage
      } catch {
        return { unknown: "the workspace's job list was not JSON" }
      }
      const job = body.value?.find(item => item.properties?.tags?.[submissionTag] === submissionId)
      if (job && typeof job.name === 'string' && typeof job.id === 'string') {
        return { found: { name: job.name, id: job.id } }
      }
      const next = nextPage(body.nextLink, workspaceUrl)
      if (next === null) return { unknown: "the workspace's job list leads away from Resource Manager" }
      url = next
    }
  }
  const seconds = ((bounds.lookups - 1) * bounds.intervalMs) / 1000
  return { absent: `listed ${bounds.lookups} times over ${seconds} s, the workspace has no job of this submission` }
}

// The next page's link carries the token, so it must lead back to the workspace's own jobs on Resource Manager.
function nextPage(link: unknown, workspaceUrl: string): string | undefined | null {
  if (link === undefined || link === null || link === '') return undefined
  if (typeof link !== 'string' || !link.startsWith(`${workspaceUrl}/jobs?`)) return null
  return link
}
