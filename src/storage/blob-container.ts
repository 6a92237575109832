import { Agent } from 'node:https'
import type { TokenCredential } from '@azure/identity'
import type { ContainerClient, StoragePipelineOptions, StorageSharedKeyCredential } from '@azure/storage-blob'

type StorageBlob = typeof import('@azure/storage-blob')

/** A blob request is given up after this and tried again (4 tries in all, with the storage SDK's back-off). */
export const blobTryTimeoutMs = 10 * 60_000

/**
 * Blob requests in flight at once, and so connections (and proxy tunnels) open at once. At a real distance from
 * storage, many small files cost a round trip each per connection: 32 is azcopy's default on a 2-core runner (16 per
 * core, at least 32), which keeps 20,000 files at 40 ms near 25 s of round trips where 8 took 100 s. Transfers stream
 * from and to disk, so memory does not grow with it.
 */
export const parallelBlobRequests = 32

/** Files uploaded or downloaded at once: as many as there are connections, so none waits idle. */
export const filesAtOnce = parallelBlobRequests

/**
 * One pool of keep-alive connections for every blob request of a run. Behind HTTPS_PROXY (NO_PROXY honoured) Node
 * tunnels each connection through the proxy once and keeps it: the storage SDK's own proxy agent does not keep
 * connections alive, which cost a CONNECT and a TLS handshake per file.
 */
export function blobConnections(): Agent {
  // maxSockets: a request issued the moment another's answer ended may find its connection not yet back in the pool;
  // it waits for it rather than opening one more. proxyEnv gets the proxy variables alone: the agent keeps what it is
  // given, and the whole environment holds the step's inputs, secrets included.
  const agent = new Agent({ keepAlive: true, maxSockets: parallelBlobRequests, proxyEnv: proxyVariables() })
  // The storage SDK's debug log prints each request with its agent; an agent's state can hold a proxy's credentials
  // and earlier requests' headers, so it shows as a name only.
  return Object.assign(agent, { toJSON: () => 'https.Agent' })
}

function proxyVariables(): NodeJS.ProcessEnv {
  const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
  return Object.fromEntries(names.flatMap(name => (process.env[name] === undefined ? [] : [[name, process.env[name]]])))
}

/**
 * The container client for `containerUrl` (a SAS in its query, or a credential). The agent goes through the
 * pipeline options to @azure/core-rest-pipeline, which uses it instead of making agents of its own.
 */
export function blobContainer(
  storage: StorageBlob,
  containerUrl: string,
  credential: TokenCredential | StorageSharedKeyCredential | undefined,
  agent: Agent
): ContainerClient {
  const options: StoragePipelineOptions & { agent: Agent } = {
    retryOptions: { tryTimeoutInMs: blobTryTimeoutMs },
    agent
  }
  return new storage.ContainerClient(containerUrl, credential, options)
}
