/** A problem with the step's inputs: its message names the input and says what to do; nothing was sent. */
export class InputError extends Error {
  override name = 'InputError'
}
