// How many things a transfer does at once: files, a large file's blocks, requests on the blob connections.

/**
 * Runs `work` on the items in order, at most `atOnce` at a time. The first failure stops the rest: no item starts
 * after it, the signal handed to the items still running aborts, and once they have ended that failure is thrown.
 * An abort of `signal` ends the run the same way, and its reason is thrown.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  atOnce: number,
  work: (item: T, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal
): Promise<void> {
  const failed = new AbortController()
  const stopped = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal
  let next = 0
  const worker = async (): Promise<void> => {
    while (!stopped.aborted && next < items.length) {
      const item = items[next++] as T
      try {
        await work(item, stopped)
      } catch (error) {
        // An item abandoned because another one failed is not the cause.
        if (!stopped.aborted) failed.abort(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker))
  if (stopped.aborted) throw stopped.reason
}

/** Runs the tasks handed to it at most `size` at a time; the others wait their turn, in order. */
export function concurrencyGate(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let free = size
  const waiting: (() => void)[] = []
  return async task => {
    if (free > 0) free--
    else await new Promise<void>(resolve => waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else free++
    }
  }
}
