import { InputError } from '../../src/input-formats.js'
import { readSettings } from '../../src/settings.js'
import { testRunner } from './runner.js'

/** A complete, valid set of inputs for a step that signs in with a client secret and scores data already in Azure. */
export const validInputs: Readonly<Record<string, string>> = {
  'tenant-id': '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'client-id': '0f3e5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
  'client-secret': 'not-a-real-secret',
  'endpoint-uri': 'https://heart-ep.westus2.inference.ml.azure.com/jobs',
  'input-uri': 'https://mystorage.blob.core.windows.net/data/heart-disease/'
}

/** The settings of the valid inputs with these overridden ('' takes an input away). */
export function settingsFrom(overrides: Record<string, string>) {
  const inputs = { ...validInputs, ...overrides }
  return readSettings(name => inputs[name] ?? '', testRunner())
}

/** What input validation says about the valid inputs with these overridden; fails the test when it says nothing. */
export function problemsOf(overrides: Record<string, string>): string {
  try {
    settingsFrom(overrides)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return (error as Error).message
  }
  throw new Error('expected an InputError')
}
