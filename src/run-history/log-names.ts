// The scoring step's logs by folder and stem, not by exact name: the keys of a batchscoring run's `logFiles` are not
// published, and parallel-run logs carry a timestamp (logs/job_progress_overview.20261128083000.txt). Pure.

export interface LogKind {
  folder: string
  stem: string
}

/** logs/job_progress_overview[.<timestamp>].txt: mini-batches created and processed so far. */
export const progressLog: LogKind = { folder: 'logs', stem: 'job_progress_overview' }
/** logs/user/error.txt: a summary of the scoring script's errors. */
export const userErrorLog: LogKind = { folder: 'logs/user', stem: 'error' }

/** The newest log of that kind among a run's `logFiles` (the timestamp sorts last), if any. */
export function newestLog(logFiles: unknown, { folder, stem }: LogKind): string | undefined {
  if (typeof logFiles !== 'object' || logFiles === null) return undefined
  const names = Object.keys(logFiles).filter(name => typeof (logFiles as Record<string, unknown>)[name] === 'string')
  const matching = names.filter(name => {
    const slash = name.lastIndexOf('/')
    const inFolder = slash === -1 ? '' : name.slice(0, slash)
    const file = name.slice(slash + 1)
    return (
      (inFolder === folder || inFolder.endsWith(`/${folder}`)) &&
      (file === `${stem}.txt` || (file.startsWith(`${stem}.`) && file.endsWith('.txt')))
    )
  })
  return matching.sort((a, b) => (logSortKey(a) < logSortKey(b) ? -1 : 1)).at(-1)
}

/**
 * Orders logs of one kind oldest first: by file name without `.txt` (`job_progress_overview` before
 * `job_progress_overview.20261128083000`, where `.txt` would sort after the timestamp), then by the whole name.
 */
export function logSortKey(name: string): string {
  return `${name.slice(name.lastIndexOf('/') + 1).replace(/\.txt$/, '')}\u0000${name}`
}
