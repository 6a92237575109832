import { runPost } from './follow/post.js'
import { run } from './main.js'
import { isPostStep } from './step-kind.js'

// One bundle serves both entries of action.yml: post's (post-entry.ts) marks the step before it loads this one.
if (isPostStep()) {
  await runPost()
} else {
  await run()
}
// A cancelled stage may leave a request or an upload nobody waits for any more: the step ends when the action is done.
// What still holds the process gets a moment to wind down (an az past its deadline is killed 2 s after it), no more.
setTimeout(() => process.exit(), 3_000).unref()
