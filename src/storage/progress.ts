// A progress line for long uploads: at most one every few seconds, with the rate so far. Pure but for the clock.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

export class ProgressReporter {
  private bytes = 0
  private files = 0
  private lastReport: number
  private readonly startedAt: number
  private readonly totals: { files: number; bytes: number }
  private readonly log: (line: string) => void
  private readonly everyMs: number
  private readonly now: () => number
  private readonly done: string

  constructor(
    totals: { files: number; bytes: number },
    log: (line: string) => void,
    everyMs = 5_000,
    now: () => number = Date.now,
    /** What the line says was done to the files: Uploaded, or Downloaded. */
    done = 'Uploaded'
  ) {
    this.done = done
    this.totals = totals
    this.log = log
    this.everyMs = everyMs
    this.now = now
    this.startedAt = now()
    this.lastReport = this.startedAt
  }

  addBytes(delta: number): void {
    this.bytes += delta
    this.maybeReport()
  }

  fileDone(): void {
    this.files++
    this.maybeReport()
  }

  line(): string {
    const seconds = Math.max(0.001, (this.now() - this.startedAt) / 1000)
    return (
      `${this.done} ${this.files}/${this.totals.files} files, ${formatBytes(this.bytes)} of ${formatBytes(this.totals.bytes)} ` +
      `(${formatBytes(this.bytes / seconds)}/s)`
    )
  }

  private maybeReport(): void {
    if (this.now() - this.lastReport < this.everyMs) return
    this.lastReport = this.now()
    this.log(this.line())
  }
}
