/**
 * The runner cancels a step by sending SIGINT, then SIGTERM about 7.5 s later, before killing it. While a job is
 * followed, both turn into an abort, so the action can cancel the Azure job and end on its own terms.
 */
export function watchWorkflowCancellation(log: (message: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    log(`Received ${name}: the workflow run is being cancelled.`)
    controller.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
