import { formatDuration, parseDuration } from '../src/duration.js'

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['6h', 21_600_000],
    ['1.5h', 5_400_000],
    [' 45S ', 45_000]
  ])('%s', (text, ms) => {
    expect(parseDuration('wait-timeout', text)).toBe(ms)
  })

  it.each(['30', '10 minutes', 'h', '-5m', '1d', ''])('refuses %o, naming the input', text => {
    expect(() => parseDuration('wait-timeout', text)).toThrow("Input 'wait-timeout' must be a duration")
  })

  it('refuses zero', () => {
    expect(() => parseDuration('poll-interval', '0s')).toThrow("Input 'poll-interval' must be longer than zero")
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59_400, '59s'],
    [3_725_000, '1h 2m 5s'],
    [7_200_000, '2h']
  ])('%d ms', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
