import { formatBytes, ProgressReporter } from '../../src/storage/progress.js'

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
