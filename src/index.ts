import { runPost } from './follow/post.js'
import { isPost, markMainStarted } from './follow/state.js'
import { run } from './main.js'

// One bundle serves both entries of action.yml: the runner gives post the state main saved.
if (isPost()) {
  await runPost()
} else {
  markMainStarted()
  await run()
}
// A cancelled stage may leave a request or an upload nobody waits for any more: the step ends when the action is done.
// What still holds the process gets a moment to wind down (an az past its deadline is killed 2 s after it), no more.
setTimeout(() => process.exit(), 3_000).unref()
