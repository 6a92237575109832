import { randomInt } from 'node:crypto'

// Azure ML gives each job a random display name such as `careful_bulb_plwyqfx0`. It is not the job's identifier,
// and code that mixes the two up should fail against the fake as it would against Azure.
const adjectives = ['careful', 'lemon', 'brave', 'calm', 'eager', 'gentle', 'jolly', 'khaki', 'lucid', 'mighty']
const nouns = ['bulb', 'yacht', 'river', 'kettle', 'pencil', 'tomato', 'garden', 'basket', 'rocket', 'lamp']
const suffixAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'

export function randomDisplayName(): string {
  const suffix = Array.from({ length: 8 }, () => suffixAlphabet[randomInt(suffixAlphabet.length)]).join('')
  return `${pick(adjectives)}_${pick(nouns)}_${suffix}`
}

function pick(words: string[]): string {
  return words[randomInt(words.length)] ?? words[0] ?? ''
}
