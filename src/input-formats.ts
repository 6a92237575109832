// Pure checks of the formats the inputs take. Each returns the normalised value or throws an InputError that names
// the input, says what was expected and what to do.

export class InputError extends Error {
  override name = 'InputError'
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const domain = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
// Deployment names as the Azure ML REST API constrains them.
const deploymentName = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/

export function tenantId(value: string): string {
  if (guid.test(value) || domain.test(value)) return value
  if (['common', 'organizations', 'consumers'].includes(value.toLowerCase())) {
    throw new InputError(
      `Input 'tenant-id' must name one tenant: '${value}' is a multi-tenant alias, which a service principal cannot sign in to. ` +
        'Use the tenant GUID shown as "Directory (tenant) ID" on the app registration.'
    )
  }
  throw new InputError(
    `Input 'tenant-id' must be a tenant GUID or a domain such as contoso.onmicrosoft.com, got '${value}'.`
  )
}

export function clientId(value: string): string {
  if (guid.test(value)) return value
  throw new InputError(
    `Input 'client-id' must be a GUID: the app registration's "Application (client) ID", got '${value}'.`
  )
}

export function httpsUrl(input: string, value: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(`Input '${input}' must be an https URL, got '${value}'.`)
  }
  if (url.protocol !== 'https:') {
    throw new InputError(`Input '${input}' must use https, got '${url.protocol.replace(':', '')}' in '${value}'.`)
  }
  if (url.username || url.password) {
    throw new InputError(`Input '${input}' must not carry credentials in the URL.`)
  }
  return url
}

// Azure shows the scoring URI ending in /jobs; people often paste the endpoint's base URL, so /jobs is appended.
export function scoringUri(value: string): string {
  const url = httpsUrl('endpoint-uri', value)
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = path.endsWith('/jobs') ? path : `${path}/jobs`
  return url.toString()
}

export function deployment(value: string): string {
  if (deploymentName.test(value)) return value
  throw new InputError(
    `Input 'deployment-name' must be a deployment name (letters, digits, '-' and '_', starting with a letter or digit), got '${value}'.`
  )
}

export function oneOf<T extends string>(input: string, allowed: readonly T[], value: string): T {
  const found = allowed.find(a => a === value.toLowerCase())
  if (found) return found
  throw new InputError(`Input '${input}' must be one of ${allowed.join(', ')}, got '${value}'.`)
}

/** true/false as YAML 1.2 spells them (what workflow authors write), the same set @actions/core accepts. */
export function boolean(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(`Input '${input}' must be true or false, got '${value}'.`)
}
