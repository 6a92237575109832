/**
 * The values these variables have now, and a way to put them back: tests that set what the code under test reads from
 * process.env leave it as they found it for the next file in the same worker.
 */
export function saveEnvironment(names: readonly string[]): {
  saved: Record<string, string | undefined>
  restore(): void
} {
  const saved = Object.fromEntries(names.map(name => [name, process.env[name]]))
  return {
    saved,
    restore() {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) Reflect.deleteProperty(process.env, name)
        else process.env[name] = value
      }
    }
  }
}
