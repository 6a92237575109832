// The last build step: minifies every file ncc wrote to dist/ (or to the folder given). ncc's own --minify covers only
// index.js, not the chunks loaded on demand, and the bundle must stay within 2 MB (see README, "Performance"). Names
// are kept, so stack traces and error names read as in the sources; licenses stay in dist/licenses.txt, which ncc
// writes.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { transformSync } from 'esbuild'

const folder = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'dist'))
for (const file of readdirSync(folder).filter(name => name.endsWith('.js'))) {
  const path = join(folder, file)
  const { code } = transformSync(readFileSync(path, 'utf8'), {
    format: 'esm',
    target: 'node24',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    charset: 'utf8'
  })
  writeFileSync(path, code)
}
