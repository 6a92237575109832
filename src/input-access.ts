import { InputError } from './input-error.js'

/** Reads an input the way the runner passes it; returns '' when it is not set. */
export type InputReader = (name: string) => string

export interface InputAccess {
  get(name: string): string
  /** Runs a parse, collecting its InputError instead of throwing, so every problem is reported at once. */
  check<T>(parse: () => T): T
}

/** Trimmed inputs, and a `check` that collects each InputError into `problems` instead of stopping at the first. */
export function collectingInputAccess(read: InputReader): InputAccess & { problems: string[] } {
  const problems: string[] = []
  return {
    problems,
    get: name => read(name).trim(),
    check<T>(parse: () => T): T {
      try {
        return parse()
      } catch (error) {
        if (!(error instanceof InputError)) throw error
        problems.push(error.message)
        return undefined as T
      }
    }
  }
}
