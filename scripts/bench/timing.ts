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

/** Runs `sample` once to warm the file cache, then `runs` times; returns the median. */
export async function medianOf(runs: number, sample: () => Promise<number>): Promise<number> {
  await sample()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) samples.push(await sample())
  return median(samples)
}
