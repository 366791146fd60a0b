import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/problem'
import { Uploader, missingParts, partCount, partRange, uploadKey, type UploadableFile } from './upload'

// A fake /api/v1/uploads: keeps the parts it received; `fail` decides, per PUT, to throw a
// network error (true) or answer with a status (a number).
class FakeServer {
  uploads = new Map<string, { filename: string; size: number; part_size: number; parts: Map<number, string> }>()
  puts: number[] = []
  requests: string[] = []
  fail: (n: number, attempt: number) => boolean | number = () => false
  tries = new Map<number, number>()
  next = 1

  constructor(readonly partSize: number) {}

  state(id: string) {
    const u = this.uploads.get(id)!
    const received = [...u.parts.keys()].sort((a, b) => a - b)
    const parts = partCount(u.size, u.part_size)
    const bytes = [...u.parts.values()].reduce((s, p) => s + p.length, 0)
    return { id, filename: u.filename, size: u.size, part_size: u.part_size, parts, received, bytes_received: bytes, complete: received.length === parts }
  }

  json(status: number, body: unknown) {
    return new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  }

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? 'GET'
    const path = String(input)
    this.requests.push(`${method} ${path}`)
    let m: RegExpMatchArray | null
    if (method === 'POST' && path === '/api/v1/uploads') {
      const b = JSON.parse(String(init!.body))
      const id = `u${this.next++}`
      this.uploads.set(id, { filename: b.filename, size: b.size, part_size: this.partSize, parts: new Map() })
      return this.json(201, this.state(id))
    }
    if ((m = path.match(/^\/api\/v1\/uploads\/(\w+)$/))) {
      if (!this.uploads.has(m[1])) return this.json(404, { code: 'not_found', status: 404, title: 'Not found', detail: 'gone' })
      if (method === 'DELETE') {
        this.uploads.delete(m[1])
        return this.json(204, null)
      }
      return this.json(200, this.state(m[1]))
    }
    if (method === 'PUT' && (m = path.match(/^\/api\/v1\/uploads\/(\w+)\/parts\/(\d+)$/))) {
      const n = Number(m[2])
      const attempt = (this.tries.get(n) ?? 0) + 1
      this.tries.set(n, attempt)
      const f = this.fail(n, attempt)
      if (f === true) throw new TypeError('Failed to fetch')
      if (typeof f === 'number') return this.json(f, { code: 'x', status: f, title: 'x', detail: 'x' })
      const u = this.uploads.get(m[1])!
      u.parts.set(n, await (init!.body as Blob).text())
      this.puts.push(n)
      return this.json(200, this.state(m[1]))
    }
    return this.json(404, null)
  }
}

class MemoryStorage {
  map = new Map<string, string>()
  getItem = (k: string) => this.map.get(k) ?? null
  setItem = (k: string, v: string) => void this.map.set(k, v)
  removeItem = (k: string) => void this.map.delete(k)
}

function file(text: string, name = '历史.csv', lastModified = 1700000000000): UploadableFile & Blob {
  return Object.assign(new Blob([text]), { name, lastModified })
}

const noSleep = async () => {}

describe('splitting a file into parts', () => {
  it('gives every part but the last the part size', () => {
    expect(partCount(0, 10)).toBe(0)
    expect(partCount(10, 10)).toBe(1)
    expect(partCount(25, 10)).toBe(3)
    expect(partRange(25, 10, 1)).toEqual([0, 10])
    expect(partRange(25, 10, 3)).toEqual([20, 25])
    expect(missingParts(5, [4, 1, 2])).toEqual([3, 5])
  })

  it('keys a file by size, modification time and name', () => {
    expect(uploadKey({ name: 'a.csv', size: 3, lastModified: 9 })).toBe('kefu.upload:3:9:a.csv')
  })
})

describe('uploading in parts', () => {
  it('sends every part once, in order, with progress, and remembers the id', async () => {
    const server = new FakeServer(4)
    const storage = new MemoryStorage()
    const progress: number[] = []
    const f = file('0123456789') // parts 1..3 of 4, 4, 2 bytes
    const up = await new Uploader({ fetch: server.fetch, storage, sleep: noSleep, onProgress: (b) => progress.push(b) }).upload(f)
    expect(up.complete).toBe(true)
    expect(server.puts).toEqual([1, 2, 3])
    expect([...server.uploads.get(up.id)!.parts.values()]).toEqual(['0123', '4567', '89'])
    expect(progress).toEqual([0, 4, 8, 10])
    expect(storage.getItem(uploadKey(f))).toBe(up.id)
  })

  it('resumes a remembered upload: only the missing parts are sent', async () => {
    const server = new FakeServer(4)
    const storage = new MemoryStorage()
    const f = file('0123456789')
    // the first try dies on part 2 for good (a network error every time)
    server.fail = (n) => n === 2
    const first = new Uploader({ fetch: server.fetch, storage, sleep: noSleep, retries: 1 })
    await expect(first.upload(f)).rejects.toBeInstanceOf(ApiError)
    expect(server.puts).toEqual([1])
    // chosen again (same name, size and time): the server is asked, parts 2 and 3 are sent
    server.fail = () => false
    server.puts = []
    server.requests = []
    const up = await new Uploader({ fetch: server.fetch, storage, sleep: noSleep }).upload(f)
    expect(up.id).toBe('u1')
    expect(up.complete).toBe(true)
    expect(server.requests[0]).toBe('GET /api/v1/uploads/u1')
    expect(server.puts).toEqual([2, 3])
    expect(server.uploads.size).toBe(1)
  })

  it('starts again when the remembered upload is gone, or the file differs', async () => {
    const server = new FakeServer(4)
    const storage = new MemoryStorage()
    const f = file('0123456789')
    storage.setItem(uploadKey(f), 'u99') // expired on the server
    const up = await new Uploader({ fetch: server.fetch, storage, sleep: noSleep }).upload(f)
    expect(up.id).toBe('u1')
    expect(storage.getItem(uploadKey(f))).toBe('u1')
    // another file of another time does not reuse it
    const g = file('0123456789', '历史.csv', 1700000000001)
    const up2 = await new Uploader({ fetch: server.fetch, storage, sleep: noSleep }).upload(g)
    expect(up2.id).toBe('u2')
  })

  it('tries a failed part again up to 3 times with a growing pause', async () => {
    const server = new FakeServer(4)
    const pauses: number[] = []
    const retries: string[] = []
    // part 2: network error, then 503, then 502, then accepted (the 4th try)
    server.fail = (n, attempt) => (n === 2 ? ([true, 503, 502][attempt - 1] ?? false) : false)
    const up = await new Uploader({
      fetch: server.fetch,
      storage: null,
      sleep: async (ms) => void pauses.push(ms),
      onRetry: (n, attempt) => retries.push(`${n}/${attempt}`),
    }).upload(file('0123456789'))
    expect(up.complete).toBe(true)
    expect(pauses).toEqual([500, 1000, 2000])
    expect(retries).toEqual(['2/1', '2/2', '2/3'])
    expect(server.puts).toEqual([1, 2, 3])
  })

  it('gives up after the 3rd retry, and does not retry what cannot succeed', async () => {
    const server = new FakeServer(4)
    server.fail = (n) => (n === 2 ? true : false)
    await expect(new Uploader({ fetch: server.fetch, storage: null, sleep: noSleep }).upload(file('0123456789'))).rejects.toMatchObject({ status: 0 })
    expect(server.tries.get(2)).toBe(4)

    const s2 = new FakeServer(4)
    s2.fail = (n) => (n === 1 ? 422 : false)
    await expect(new Uploader({ fetch: s2.fetch, storage: null, sleep: noSleep }).upload(file('0123456789'))).rejects.toMatchObject({ status: 422 })
    expect(s2.tries.get(1)).toBe(1)
  })

  it('discards the upload after the import: deleted and forgotten', async () => {
    const server = new FakeServer(4)
    const storage = new MemoryStorage()
    const f = file('0123')
    const u = new Uploader({ fetch: server.fetch, storage, sleep: noSleep })
    const up = await u.upload(f)
    await u.discard(f, up.id)
    expect(server.uploads.size).toBe(0)
    expect(storage.getItem(uploadKey(f))).toBeNull()
  })
})
