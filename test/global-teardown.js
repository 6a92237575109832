// The end of the jest run: what test/global-setup.js started.
export default async function globalTeardown() {
  await globalThis.stopTestRun?.()
}
