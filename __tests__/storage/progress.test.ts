import { formatBytes, ProgressReporter, StallWatch } from '../../src/storage/progress.js'

describe('ProgressReporter', () => {
  it('reports at most once per interval, with files, bytes and rate', () => {
    let now = 0
    const lines: string[] = []
    const progress = new ProgressReporter(
      { files: 3, bytes: 30 * 1024 * 1024 },
      line => lines.push(line),
      5_000,
      () => now
    )
    progress.addBytes(10 * 1024 * 1024)
    progress.fileDone()
    now = 4_000
    progress.addBytes(5 * 1024 * 1024)
    expect(lines).toEqual([])
    now = 5_000
    progress.addBytes(5 * 1024 * 1024)
    progress.fileDone()
    expect(lines).toEqual(['Uploaded 1/3 files, 20.0 MiB of 30.0 MiB (4.0 MiB/s)'])
    now = 6_000
    progress.fileDone()
    expect(lines).toHaveLength(1)
  })

  it('formats sizes', () => {
    expect([0, 1023, 1024, 1536 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KiB',
      '1.5 MiB',
      '3.0 GiB'
    ])
  })
})

describe('ProgressReporter on a timer', () => {
  it('reports every interval while nothing is acknowledged, counting only acknowledged bytes', () => {
    let now = 0
    const lines: string[] = []
    const progress = new ProgressReporter(
      { files: 1, bytes: 1024 },
      line => lines.push(line),
      5_000,
      () => now
    )
    for (now = 1_000; now <= 12_000; now += 1_000) progress.tick()
    expect(lines).toEqual(['Uploaded 0/1 files, 0 B of 1.0 KiB (0 B/s)', 'Uploaded 0/1 files, 0 B of 1.0 KiB (0 B/s)'])
    progress.addBytes(1024)
    progress.fileDone()
    now = 39_000
    expect(progress.line()).toBe('Uploaded 1/1 files, 1.0 KiB of 1.0 KiB (26 B/s)')
  })
})

describe('StallWatch', () => {
  const bounds = { quietMs: 30_000, stallMs: 40_000 }

  it('says once that a file went quiet, then names it as stalled past the bound', () => {
    let now = 0
    const watch = new StallWatch(bounds, () => now)
    watch.started('data/a.csv')
    watch.started('data/b.csv')
    now = 29_000
    watch.moved('data/b.csv')
    expect(watch.check()).toEqual({ lines: [] })
    now = 31_000
    expect(watch.check()).toEqual({
      lines: [
        'No progress for 31 s on data/a.csv: the blob service has taken or acknowledged no byte of it since; giving up at 40 s.'
      ]
    })
    now = 35_000
    expect(watch.check()).toEqual({ lines: [] })
    now = 40_000
    expect(watch.check()).toEqual({ lines: [], stalled: 'data/a.csv' })
  })

  it('keeps a slow file that moves, and forgets a finished one', () => {
    let now = 0
    const watch = new StallWatch(bounds, () => now)
    watch.started('data/slow.csv')
    watch.started('data/done.csv')
    watch.finished('data/done.csv')
    for (now = 10_000; now <= 120_000; now += 10_000) {
      watch.moved('data/slow.csv')
      expect(watch.check()).toEqual({ lines: [] })
    }
  })

  it('watches a file until the last of its requests ends', () => {
    let now = 0
    const watch = new StallWatch(bounds, () => now)
    watch.started('data/big.csv')
    watch.started('data/big.csv')
    watch.finished('data/big.csv')
    now = 40_000
    expect(watch.check().stalled).toBe('data/big.csv')
    watch.finished('data/big.csv')
    expect(watch.check()).toEqual({ lines: [] })
  })
})
