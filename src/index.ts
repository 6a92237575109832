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
