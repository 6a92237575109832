import { newestLog, progressLog, userErrorLog, type LogKind } from '../run-history/log-names.js'
import {
  readLogRange,
  runDetails,
  runsUrl,
  RunHistoryError,
  runHistoryFailure,
  scoringStep,
  withinBudget,
  type RunHistoryAccess
} from '../run-history/run-history.js'
import { logSafe } from '../untrusted-text.js'
import {
  errorLogLines,
  logLines,
  progressLogLines,
  rangeFrom,
  rotatesTo,
  takeLines,
  type LogCursor
} from './scoring-progress.js'

export interface ScoringWatchLog {
  info(message: string): void
  notice(message: string): void
}

/** What the step summary shows of the scoring step, once its logs were read. */
export interface ScoringSeen {
  lastProgressLine: string | undefined
  errorLines: number
}

export interface ScoringWatchOptions {
  /** Run history's clients and addresses; each round brings its own signal. */
  access: Omit<RunHistoryAccess, 'signal'>
  /** The workspace's ARM id, and the job's name in it. */
  workspace: string | undefined
  jobName: string
  /** A round starts at most once per poll-interval, besides the one after the job ended. */
  pollIntervalMs: number
  now(): number
  log: ScoringWatchLog
  /** How long one round may take in all, requests and token included. */
  roundBudgetMs?: number
  /** How much of a log one read asks for. */
  readCapBytes?: number
}

// A round runs beside a status read; the wait goes on only once it ended, so it is bounded well below the status
// read's own minute.
const roundBudgetMs = 20_000
const summaryLineChars = 1_000

/**
 * The scoring step's progress and first errors while the job runs, read from run history beside the status reads:
 * new lines of its progress log and of its user error log, each log read on from where the last read ended. Best
 * effort: the first read that fails is one notice, and nothing more is read; the status alone decides the wait.
 */
export class ScoringWatch {
  private readonly options: ScoringWatchOptions
  private enabled = true
  private started = false
  private lastRoundAt: number | undefined
  private runs: string | undefined
  private step: string | undefined
  private progress: LogCursor | undefined
  private errors: LogCursor | undefined
  private lastProgressLine: string | undefined
  private errorLines = 0
  private logsRead = false

  constructor(options: ScoringWatchOptions) {
    this.options = options
  }

  /** What was seen, once a log was read. */
  seen(): ScoringSeen | undefined {
    return this.logsRead ? { lastProgressLine: this.lastProgressLine, errorLines: this.errorLines } : undefined
  }

  /**
   * One round beside a status read, once the job was seen Running: at most one per poll-interval, and one more when
   * the job ended, so that its last lines come before its final status. Never throws; `signal` ends it at once.
   */
  async read(status: string, ended: boolean, signal: AbortSignal): Promise<void> {
    if (!this.enabled || signal.aborted) return
    this.started ||= status === 'Running'
    if (!this.started) return
    const now = this.options.now()
    if (!ended && this.lastRoundAt !== undefined && now - this.lastRoundAt < this.options.pollIntervalMs) return
    this.lastRoundAt = now
    if (ended) this.enabled = false
    const budgetMs = this.options.roundBudgetMs ?? roundBudgetMs
    const started = Date.now()
    try {
      await withinBudget(budgetMs, signal, stop => this.round({ ...this.options.access, signal: stop }))
      // A round holds the next status read back: run history that answers, but slowly, would slow the whole wait.
      const tookMs = Date.now() - started
      if (this.enabled && tookMs > budgetMs / 2) {
        this.enabled = false
        this.options.log.notice(
          `Run history took ${(tookMs / 1000).toFixed(1)} s to answer; the scoring step's progress is not read any ` +
            'more, so that it does not slow the wait.'
        )
      }
    } catch (error) {
      // A cancelled run or the wait's deadline: the wait says what happened.
      if (signal.aborted) return
      this.enabled = false
      this.options.log.notice(
        `Could not read the scoring step's progress (${logSafe(runHistoryFailure(error), 300)}); waiting for the job ` +
          'without it.'
      )
    }
  }

  private async round(access: RunHistoryAccess): Promise<void> {
    const { workspace, jobName } = this.options
    if (!workspace) throw new RunHistoryError("the job's id names no workspace")
    this.runs ??= await runsUrl(workspace, access)
    this.step ??= await scoringStep(this.runs, jobName, access)
    // The job has no scoring step yet: the next round looks again.
    if (!this.step) return
    const details = await runDetails(this.runs, this.step, 'the scoring step', access)
    const logFiles = (details as { logFiles?: unknown }).logFiles
    this.progress = await this.follow(this.progress, progressLog, logFiles, access, lines => {
      for (const line of progressLogLines(lines)) this.options.log.info(line)
      // Only as much as the summary shows is kept of it.
      this.lastProgressLine = lines.at(-1)?.slice(0, summaryLineChars) ?? this.lastProgressLine
    })
    this.errors = await this.follow(this.errors, userErrorLog, logFiles, access, lines => {
      for (const line of errorLogLines(lines)) this.options.log.info(line)
      this.errorLines += lines.length
    })
  }

  /**
   * Reads one kind of log on from its cursor. When the service started a newer file, the current one is read to
   * its end first (its last line too), then the newer one from its start; returns where the next read starts.
   */
  private async follow(
    cursor: LogCursor | undefined,
    kind: LogKind,
    logFiles: unknown,
    access: RunHistoryAccess,
    show: (lines: string[]) => void
  ): Promise<LogCursor | undefined> {
    const newest = newestLog(logFiles, kind)
    const urls = logFiles as Record<string, string>
    if (rotatesTo(cursor, newest) && cursor && urls[cursor.name] !== undefined) {
      const left = await this.readOn(cursor, urls[cursor.name] ?? '', access, show)
      if (!left.atEnd) return left.cursor
      show(logLines(left.rest))
    }
    if (newest === undefined) return cursor
    const from = cursor?.name === newest ? cursor : { name: newest, offset: 0 }
    return (await this.readOn(from, urls[newest] ?? '', access, show)).cursor
  }

  private async readOn(
    cursor: LogCursor,
    url: string,
    access: RunHistoryAccess,
    show: (lines: string[]) => void
  ): Promise<{ cursor: LogCursor; atEnd: boolean; rest: string }> {
    const cap = this.options.readCapBytes
    const answer = await readLogRange(cursor.name, url, rangeFrom(cursor.offset, cap), access)
    const taken = takeLines(answer, cursor.offset, cap)
    if (!taken) throw new RunHistoryError(`log ${cursor.name}: its service did not send the part asked for`)
    this.logsRead = true
    if (taken.lines.length > 0) show(taken.lines)
    return { cursor: { name: cursor.name, offset: taken.offset }, atEnd: taken.atEnd, rest: taken.rest }
  }
}
