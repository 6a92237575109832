import { setTimeout as sleep } from 'node:timers/promises'
import { concurrencyGate, forEachBounded } from '../../src/storage/concurrency.js'

/** Work that records what runs at once and in which order items start. */
function recorder() {
  const seen = { started: [] as number[], running: 0, most: 0 }
  const run = async (item: number, ms = 5) => {
    seen.started.push(item)
    seen.running++
    seen.most = Math.max(seen.most, seen.running)
    try {
      await sleep(ms)
    } finally {
      seen.running--
    }
  }
  return { seen, run }
}

describe('forEachBounded', () => {
  it('runs every item, in order, at most so many at once', async () => {
    const { seen, run } = recorder()
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, item => run(item))
    expect(seen.started).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(seen.most).toBe(3)
  })

  it('starts nothing after the first failure, aborts the items running, and throws that failure once they ended', async () => {
    const { seen, run } = recorder()
    const aborted: number[] = []
    const ended: number[] = []
    const failure = new Error('item 2 failed')
    const work = async (item: number, signal: AbortSignal) => {
      if (item === 2) {
        await sleep(1)
        throw failure
      }
      signal.addEventListener('abort', () => aborted.push(item))
      await run(item, 20)
      ended.push(item)
      // A running item that fails once abandoned is not the cause.
      if (signal.aborted) throw new Error(`item ${item} abandoned`)
    }
    await expect(forEachBounded([1, 2, 3, 4, 5, 6], 3, work)).rejects.toBe(failure)
    expect(seen.started).toEqual([1, 3])
    expect(aborted).toEqual([1, 3])
    expect(ended).toEqual([1, 3])
  })

  it('stops the same way when its signal aborts, and throws the reason', async () => {
    const { seen, run } = recorder()
    const stop = new AbortController()
    const stall = new Error('stalled')
    const work = async (item: number) => {
      if (item === 3) stop.abort(stall)
      await run(item)
    }
    await expect(forEachBounded([1, 2, 3, 4, 5, 6], 2, work, stop.signal)).rejects.toBe(stall)
    expect(seen.started).toEqual([1, 2, 3])
  })

  it('does nothing with no items', async () => {
    await expect(forEachBounded([], 4, () => Promise.reject(new Error('never')))).resolves.toBeUndefined()
  })
})

describe('concurrencyGate', () => {
  it('lets so many tasks run at once; the others wait their turn, in order', async () => {
    const { seen, run } = recorder()
    const gate = concurrencyGate(2)
    const results = await Promise.all([1, 2, 3, 4, 5].map(item => gate(async () => (await run(item), item * 10))))
    expect(results).toEqual([10, 20, 30, 40, 50])
    expect(seen.started).toEqual([1, 2, 3, 4, 5])
    expect(seen.most).toBe(2)
  })

  it('passes the turn on when a task fails', async () => {
    const gate = concurrencyGate(1)
    const failing = gate(() => Promise.reject(new Error('no')))
    const next = gate(async () => 'next')
    await expect(failing).rejects.toThrow('no')
    await expect(next).resolves.toBe('next')
  })
})
