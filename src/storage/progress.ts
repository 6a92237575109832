// What an upload tells the log, and when: pure but for the clock. A timer calls tick(), so lines come while bytes move
// and while they wait; bytes count once the service acknowledged them, not when they were written to a socket.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`
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

  /** Bytes the blob service acknowledged. */
  addBytes(delta: number): void {
    this.bytes += delta
    this.tick()
  }

  fileDone(): void {
    this.files++
    this.tick()
  }

  /** Logs the line when the interval has passed since the last one, whether or not bytes moved. */
  tick(): void {
    if (this.now() - this.lastReport < this.everyMs) return
    this.lastReport = this.now()
    this.log(this.line())
  }

  line(): string {
    const seconds = Math.max(0.001, (this.now() - this.startedAt) / 1000)
    return (
      `${this.done} ${this.files}/${this.totals.files} files, ${formatBytes(this.bytes)} of ${formatBytes(this.totals.bytes)} ` +
      `(${formatBytes(this.bytes / seconds)}/s)`
    )
  }
}

export interface StallBounds {
  /** No byte of a file sent or acknowledged this long: say so. */
  quietMs: number
  /** ...and this long: the upload has stalled. */
  stallMs: number
}

export const uploadStallBounds: StallBounds = { quietMs: 30_000, stallMs: 40_000 }
/** A download is watched the same way: a body that stops coming is given up as an upload that stops being taken. */
export const downloadStallBounds: StallBounds = uploadStallBounds

/**
 * Files with requests in flight and when a byte of each last moved (written to the connection or acknowledged): a slow
 * link keeps moving bytes, a blob service that stopped answering moves none. A file waiting for a free connection has
 * no request in flight and is not watched.
 */
export class StallWatch {
  private readonly lastMoved = new Map<string, { at: number; told: boolean; requests: number }>()
  private readonly bounds: StallBounds
  private readonly now: () => number
  private readonly quiet: string

  constructor(
    bounds: StallBounds,
    now: () => number = Date.now,
    /** What a quiet file's line says the service did not do: take the upload's bytes, or send the download's. */
    quiet = 'the blob service has taken or acknowledged no byte of it since'
  ) {
    this.bounds = bounds
    this.now = now
    this.quiet = quiet
  }

  /** A request of the file was sent. */
  started(file: string): void {
    const moved = this.lastMoved.get(file)
    if (moved) moved.requests++
    else this.lastMoved.set(file, { at: this.now(), told: false, requests: 1 })
  }

  moved(file: string): void {
    const moved = this.lastMoved.get(file)
    if (moved) this.lastMoved.set(file, { at: this.now(), told: false, requests: moved.requests })
  }

  /** A request of the file ended, answered or not. */
  finished(file: string): void {
    const moved = this.lastMoved.get(file)
    if (moved && --moved.requests === 0) this.lastMoved.delete(file)
  }

  /** The lines due now for files gone quiet, and the first file quiet past the stall bound. */
  check(): { lines: string[]; stalled?: string } {
    const lines: string[] = []
    for (const [file, moved] of this.lastMoved) {
      const quietMs = this.now() - moved.at
      if (quietMs >= this.bounds.stallMs) return { lines, stalled: file }
      if (quietMs >= this.bounds.quietMs && !moved.told) {
        moved.told = true
        lines.push(
          `No progress for ${Math.floor(quietMs / 1000)} s on ${file}: ${this.quiet}; giving up at ` +
            `${this.bounds.stallMs / 1000} s.`
        )
      }
    }
    return { lines }
  }
}

/**
 * Looks at a transfer on the clock, so that a slow or silent one still shows where it stands: the progress line when
 * it is due, a line for each file gone quiet, and the first file quiet past the stall bound aborts `signal` with the
 * error `stalled` makes for it. `stop` when the transfer ended.
 */
export function watchTransfer(
  progress: ProgressReporter,
  watch: StallWatch,
  log: (line: string) => void,
  everyMs: number,
  stalled: (file: string) => Error
): { signal: AbortSignal; stop(): void } {
  const stall = new AbortController()
  const timer = setInterval(() => {
    progress.tick()
    const checked = watch.check()
    for (const line of checked.lines) log(line)
    if (checked.stalled !== undefined) stall.abort(stalled(checked.stalled))
  }, everyMs)
  return { signal: stall.signal, stop: () => clearInterval(timer) }
}
