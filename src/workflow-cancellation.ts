/**
 * The runner cancels a step by sending SIGINT, then SIGTERM 7.5 s later, then SIGKILL 2.5 s after that. The first
 * signal aborts `signal`: whatever stage main is in stops at once and cleans up (cancels a job that may exist). A
 * second signal means the runner is about to kill the step: it ends now, and the post step finishes what is left
 * (the state it needs is saved before each request that could leave a job behind).
 */
export interface WorkflowCancellation {
  signal: AbortSignal
  dispose(): void
}

export class WorkflowCancelledError extends Error {
  override name = 'WorkflowCancelledError'
}

export function watchWorkflowCancellation(log: (message: string) => void): WorkflowCancellation {
  const controller = new AbortController()
  const onSignal = (name: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      log(`Received ${name}: the workflow run is being cancelled.`)
      controller.abort(new WorkflowCancelledError('The workflow run was cancelled.'))
      return
    }
    log(`Received ${name}: stopping now; the action's post step finishes what is left.`)
    process.exit(1)
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

/**
 * `work`, or a rejection as soon as `signal` aborts: a stage whose library does not listen to the signal (a token
 * request, an upload) must not hold the step once the run is cancelled or the deadline has passed.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal))
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal))
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(
      value => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new WorkflowCancelledError('The operation was aborted.')
}
