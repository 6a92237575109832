import { spawn } from 'node:child_process'

// Wall time of child processes, measured from spawn to exit: what a workflow step costs.

export async function wallMs(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'ignore' })
    child.on('error', reject)
    child.on('exit', () => resolve())
  })
  return performance.now() - started
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const at = (i: number): number => sorted[i] ?? NaN
  return sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2
}

/**
 * Runs each sampler once to warm the file cache, then `runs` rounds of all of them in turn; returns each one's median.
 * Taking turns, rather than all runs of one and then of the next, lets a machine whose speed drifts (a shared one does)
 * slow every measure alike, so that their ratios hold.
 */
export async function interleavedMedians<K extends string>(
  runs: number,
  samplers: Record<K, () => Promise<number>>
): Promise<Record<K, number>> {
  const entries = Object.entries(samplers) as [K, () => Promise<number>][]
  for (const [, sample] of entries) await sample()
  const samples = Object.fromEntries(entries.map(([name]) => [name, [] as number[]])) as Record<K, number[]>
  for (let round = 0; round < runs; round++) {
    for (const [name, sample] of entries) samples[name].push(await sample())
  }
  return Object.fromEntries(entries.map(([name]) => [name, median(samples[name])])) as Record<K, number>
}
