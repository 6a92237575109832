// Preloaded with --import by the benchmark: records which files of dist/ a run loads, to show that a plain
// submission never loads the upload code.
import { appendFileSync } from 'node:fs'
import { registerHooks } from 'node:module'

const log = process.env.BENCH_CHUNK_LOG
registerHooks({
  load(url, context, nextLoad) {
    if (log && url.includes('/dist/')) appendFileSync(log, `${url}\n`)
    return nextLoad(url, context)
  }
})
