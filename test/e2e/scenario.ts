import { randomUUID } from 'node:crypto'
import type { FakeApp } from '../fake-azure/entra.js'
import { startFakeAzure, type FakeAzure, type FakeAzureOptions } from '../fake-azure/server.js'
import {
  findLeaks,
  runAction,
  startAction,
  workflowToken,
  type ActionResult,
  type RunningAction,
  type RunOptions
} from './run-action.js'

// One fake Azure with one registered service principal, and the inputs a workflow would give to reach it.

export interface Scenario {
  fake: FakeAzure
  app: { tenantId: string; clientId: string; clientSecret: string } & Partial<FakeApp>
  inputs: Record<string, string>
  run(overrides?: Record<string, string | undefined>, options?: Partial<RunOptions>): Promise<ActionResult>
  start(overrides?: Record<string, string | undefined>, options?: Partial<RunOptions>): RunningAction
  /** The client secret and every token the fake issued, none of which may show anywhere. */
  secrets(): string[]
  /** Leaks of any secret in the result: [] when none. */
  leaks(result: ActionResult): string[]
}

/** `app` adds to the scenario's app registration: a certificate, federated credentials. */
export async function startScenario(options: FakeAzureOptions = {}, app: Partial<FakeApp> = {}): Promise<Scenario> {
  const registered = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: `Qx8~${randomUUID()}`, ...app }
  const fake = await startFakeAzure({ ...options, apps: [registered, ...(options.apps ?? [])] })
  const inputs: Record<string, string> = {
    'tenant-id': registered.tenantId,
    'client-id': registered.clientId,
    'client-secret': registered.clientSecret,
    'endpoint-uri': fake.scoringUri,
    'input-uri': 'https://mystorage.blob.core.windows.net/data/heart-disease/',
    'authority-host': fake.url
  }
  const runOptions = (overrides: Record<string, string | undefined>, more: Partial<RunOptions>): RunOptions => ({
    caFile: fake.caFile,
    ...more,
    inputs: { ...inputs, ...overrides }
  })
  // Everything that must never show: the secret, every access token, every GitHub ID token.
  const secrets = (): string[] => [
    registered.clientSecret ?? '',
    workflowToken,
    ...fake.tokens.map(t => t.accessToken),
    ...fake.github.issued
  ]
  return {
    fake,
    app: registered,
    inputs,
    run: (overrides = {}, more = {}) => runAction(runOptions(overrides, more)),
    start: (overrides = {}, more = {}) => startAction(runOptions(overrides, more)),
    secrets,
    leaks: result => findLeaks(result, secrets())
  }
}

/** The error the action reported with ::error::, decoded as the runner shows it. */
export function errorMessage(result: ActionResult): string {
  const line = result.stdout.split('\n').find(l => l.startsWith('::error::')) ?? ''
  return line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')
}
