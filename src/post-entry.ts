import { markPostStep } from './step-kind.js'

// action.yml's post entry: the runner starts this file for the post step alone. It marks the step, then loads the
// action's own bundle (dist/index.js), as it is: the bundle is not built into this file.
markPostStep()
const action = '../index.js'
await import(/* webpackIgnore: true */ action)
