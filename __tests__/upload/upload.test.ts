// A file that changes between being found and being uploaded fails the upload, naming it. The container stands in for
// the storage SDK's: it reads each request's body whole, as the SDK does when it sends it.
import type { ContainerClient } from '@azure/storage-blob'
import { truncateSync, writeFileSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { join } from 'node:path'
import type { LocalFile } from '../../src/upload/local-files.js'
import { uploadFiles } from '../../src/upload/upload.js'
import { writeCheckout } from '../../test/checkout.js'

/** The bodies each blob was sent, by blob name; committed blobs are those whose block list was committed. */
function recordingContainer() {
  const sent = new Map<string, number>()
  const committed: string[] = []
  const read = async (body: () => Readable) => {
    let bytes = 0
    for await (const chunk of body()) bytes += (chunk as Buffer).length
    return bytes
  }
  const container = {
    getBlockBlobClient: (name: string) => ({
      upload: async (body: () => Readable) => {
        sent.set(name, await read(body))
        committed.push(name)
      },
      stageBlock: async (_id: string, body: () => Readable) => {
        sent.set(name, (sent.get(name) ?? 0) + (await read(body)))
      },
      commitBlockList: async () => {
        committed.push(name)
      }
    })
  } as unknown as ContainerClient
  return { container, sent, committed }
}

function found(root: string, name: string, size: number): LocalFile {
  return { absolutePath: join(root, name), workspacePath: `data/${name}`, uploadPath: name, size }
}

const options = { prefix: 'p', concurrency: 2, log: () => {} }

describe('uploadFiles', () => {
  it('fails on a small file that grew since it was found, naming it', async () => {
    const root = writeCheckout({ 'a.csv': '0123456789' })
    const { container } = recordingContainer()
    const upload = uploadFiles(container, [found(root, 'a.csv', 4)], options)
    await expect(upload).rejects.toThrow(
      'Could not upload data/a.csv: it changed while it was being uploaded (4 bytes when found, 10 now).'
    )
  })

  it('fails on a small file that shrank, at the end of its body rather than by waiting', async () => {
    const root = writeCheckout({ 'a.csv': '0123' })
    const { container } = recordingContainer()
    const upload = uploadFiles(container, [found(root, 'a.csv', 10)], options)
    await expect(upload).rejects.toThrow('Could not upload data/a.csv: it changed while it was being uploaded')
  })

  it('commits no block list for a large file whose size changed', async () => {
    const root = writeCheckout({})
    const size = 9 * 1024 * 1024
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(size))
    truncateSync(join(root, 'big.bin'), size + 1)
    const { container, committed } = recordingContainer()
    await expect(uploadFiles(container, [found(root, 'big.bin', size)], options)).rejects.toThrow(
      'Could not upload data/big.bin: it changed while it was being uploaded (9437184 bytes when found, 9437185 now).'
    )
    expect(committed).toEqual([])
  })

  it('uploads a file as found, every byte of it', async () => {
    const root = writeCheckout({ 'a.csv': '0123456789', 'empty.csv': '' })
    const { container, sent } = recordingContainer()
    await uploadFiles(container, [found(root, 'a.csv', 10), found(root, 'empty.csv', 0)], options)
    expect(Object.fromEntries(sent)).toEqual({ 'p/a.csv': 10, 'p/empty.csv': 0 })
  })
})
