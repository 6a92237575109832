import type { SignIn } from './sign-in.js'
import type { TokenService } from './token-deadline.js'

// The services a token depends on, named for a user whose sign-in stalled, with what to check for each.

const entraCheck =
  "Check 'authority-host' (or the cloud the inputs name) and, on a self-hosted runner, that it reaches Entra ID " +
  '(network, proxy: HTTPS_PROXY/NO_PROXY); https://azure.status.microsoft shows outages.'

export const githubIdTokenService: TokenService = {
  name: "GitHub's ID-token service",
  check:
    'It is the service the runner names in ACTIONS_ID_TOKEN_REQUEST_URL; https://www.githubstatus.com shows outages. ' +
    'Re-run the job; on a self-hosted runner, check that it reaches GitHub.'
}

const imds: TokenService = {
  name: 'The Instance Metadata Service (IMDS)',
  check:
    'A managed identity signs in only on an Azure VM (or scale set) that has one assigned: check that the runner is ' +
    'such a VM and that nothing (a firewall, a proxy without NO_PROXY=169.254.169.254) blocks 169.254.169.254.'
}

const azureCli: TokenService = {
  name: 'The Azure CLI (az account get-access-token)',
  check:
    'Check that az works on the runner and is signed in (azure/login before this step); az itself may be waiting on ' +
    'Entra ID or a prompt.'
}

/** The service a sign-in request went to, from its URL. */
export function tokenServiceOf(url: string): TokenService {
  const { host, pathname } = new URL(url)
  if (pathname.includes('/metadata/identity/')) return { ...imds, name: `${imds.name} at ${host}` }
  if (/\/oauth2\/(v2\.0\/)?token$/.test(pathname))
    return { name: `Entra ID's token endpoint at ${host}`, check: entraCheck }
  return { name: `Entra ID's OpenID metadata at ${host}`, check: entraCheck }
}

/** Whom a token waits on when no request is in flight: between retries, or the Azure CLI. */
export function tokenServiceOfSignIn(signIn: SignIn): TokenService {
  switch (signIn.kind) {
    case 'managed-identity':
      return imds
    case 'azure-cli':
      return azureCli
    default:
      return { name: 'Entra ID', check: entraCheck }
  }
}
