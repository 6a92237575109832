import { letConnectionsProgress } from './azure/early-connection.js'
import { isPostStep } from './step-kind.js'

/** The step the runner started: post when its entry said so, main otherwise. */
export async function runStep(): Promise<void> {
  if (isPostStep()) {
    const { runPost } = await import('./follow/post.js')
    await runPost()
    return
  }
  const { run } = await import('./main.js')
  await letConnectionsProgress()
  await run()
}
