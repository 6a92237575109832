import { run } from './main.js'
import { runPost } from './post.js'
import { isPost, markMainStarted } from './state.js'

// One bundle serves both entries of action.yml: the runner gives post the state main saved.
if (isPost()) {
  await runPost()
} else {
  markMainStarted()
  await run()
}
