import { InputError } from './input-formats.js'

const units = { s: 1_000, m: 60_000, h: 3_600_000 } as const

/** The shortest and longest duration an input takes, in milliseconds. */
export interface DurationLimits {
  minMs: number
  maxMs: number
}

/**
 * `90s`, `30m`, `6h`, `1.5h` → milliseconds. A bare number is refused: minutes and seconds are too easy to mix up.
 * The limits are checked on the value as it will be used, after rounding, so `0.0004s` is not a zero that slips past.
 */
export function parseDuration(input: string, value: string, limits?: DurationLimits): number {
  const match = /^(\d+(?:\.\d+)?)\s*([smh])$/i.exec(value.trim())
  if (!match) {
    throw new InputError(
      `Input '${input}' must be a duration: a number with s, m or h, such as 90s, 30m or 6h; got '${value}'.`
    )
  }
  const ms = Math.round(Number(match[1]) * units[(match[2] ?? 's').toLowerCase() as keyof typeof units])
  if (ms <= 0) throw new InputError(`Input '${input}' must be longer than zero, got '${value}'.`)
  if (limits && ms < limits.minMs) {
    throw new InputError(`Input '${input}' must be at least ${formatDuration(limits.minMs)}, got '${value}'.`)
  }
  if (limits && !(ms <= limits.maxMs)) {
    throw new InputError(`Input '${input}' must be at most ${formatDuration(limits.maxMs)}, got '${value}'.`)
  }
  return ms
}

/** 3725000 → "1h 2m 5s"; sub-second parts are dropped. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's']
  ] as const
  const shown = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n}${unit}`)
  return shown.length > 0 ? shown.join(' ') : '0s'
}
