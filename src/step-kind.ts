// Which step of action.yml this process runs. The post entry says so before the action loads; main is every other
// start. Known from the entry the runner started, not from the state main saves: main may be stopped before it can
// save anything (a run cancelled as the step begins), and post must not then take itself for main and submit a job.

const postStep = Symbol.for('azureml-batch-score.post-step')

/** Called by the post entry only, before it loads the action. */
export function markPostStep(): void {
  ;(globalThis as Record<symbol, unknown>)[postStep] = true
}

export function isPostStep(): boolean {
  return (globalThis as Record<symbol, unknown>)[postStep] === true
}
