// Resumable uploads of large import files (/api/v1/uploads): the file is announced with its
// name and size, then sent in numbered parts of the server's part_size (every part but the
// last exactly that size; a re-sent part replaces the first copy). A part that fails is
// tried again up to `retries` times with a growing pause. The upload's id is kept in
// sessionStorage under the file's name, size and modification time, so that choosing the
// same file again after a failure or a reload asks the server what it already has and sends
// only the missing parts.
import { ApiError, isProblem } from '@/api/problem'

/** Files bigger than this go through the upload API instead of one request body. */
export const UPLOAD_THRESHOLD = 8 * 1024 * 1024

export interface UploadState {
  id: string
  filename: string
  size: number
  part_size: number
  parts: number
  received: number[]
  bytes_received: number
  complete: boolean
}

/** What uploadFile needs of a File (a Blob with a name and a modification time). */
export interface UploadableFile {
  name: string
  size: number
  lastModified: number
  slice(start?: number, end?: number): Blob
}

type KeyStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export interface UploadOptions {
  fetch?: typeof fetch
  /** Headers for every request (language, CSRF token). */
  headers?: () => Record<string, string>
  /** Where upload ids are remembered; null = nowhere. Default: sessionStorage. */
  storage?: KeyStore | null
  /** Further tries of a part that failed (network error, 5xx, 408, 429). */
  retries?: number
  /** The pause before try `attempt` (1, 2, ...) again. */
  backoffMs?: (attempt: number) => number
  sleep?: (ms: number) => Promise<void>
  /** Bytes the server holds, after each part. */
  onProgress?: (bytes: number, total: number) => void
  /** Called before each retry with the part number, the try that failed and its error. */
  onRetry?: (part: number, attempt: number, error: unknown) => void
  /** Called once the upload is known: a new one, or one resumed with parts already there. */
  onStart?: (upload: UploadState, resumed: boolean) => void
  sha256?: string
}

const PREFIX = 'kefu.upload:'

export function uploadKey(file: Pick<UploadableFile, 'name' | 'size' | 'lastModified'>): string {
  return `${PREFIX}${file.size}:${file.lastModified}:${file.name}`
}

export function partCount(size: number, partSize: number): number {
  if (size <= 0 || partSize <= 0) return 0
  return Math.ceil(size / partSize)
}

/** Byte range [start, end) of part n (from 1). */
export function partRange(size: number, partSize: number, n: number): [number, number] {
  const start = (n - 1) * partSize
  return [start, Math.min(start + partSize, size)]
}

/** The part numbers not yet received, ascending. */
export function missingParts(parts: number, received: readonly number[]): number[] {
  const have = new Set(received)
  const out: number[] = []
  for (let n = 1; n <= parts; n++) if (!have.has(n)) out.push(n)
  return out
}

export function defaultBackoff(attempt: number): number {
  return 500 * 2 ** (attempt - 1) // 0.5 s, 1 s, 2 s
}

function defaultStorage(): KeyStore | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage
  } catch {
    return null
  }
}

// A failure worth trying again: no answer at all, or the server or a proxy being busy.
function retriable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true
  return e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500
}

export class Uploader {
  private readonly fetch: typeof fetch
  private readonly opts: UploadOptions
  private readonly storage: KeyStore | null

  constructor(opts: UploadOptions = {}) {
    this.opts = opts
    this.fetch = opts.fetch ?? ((input, init) => fetch(input, init))
    this.storage = opts.storage === undefined ? defaultStorage() : opts.storage
  }

  private async request<T>(method: string, path: string, body?: BodyInit | null, type?: string): Promise<T | null> {
    const headers: Record<string, string> = { ...(this.opts.headers?.() ?? {}) }
    if (type) headers['Content-Type'] = type
    let res: Response
    try {
      res = await this.fetch(path, { method, headers, body: body ?? null, credentials: 'same-origin' })
    } catch (e) {
      throw new ApiError(0, null, e instanceof Error ? e.message : String(e))
    }
    if (res.status === 204) return null
    const data: unknown = await res.json().catch(() => null)
    if (!res.ok) throw new ApiError(res.status, isProblem(data) ? data : null)
    return data as T
  }

  /** The upload remembered for this file, if the server still has it. */
  async resumable(file: UploadableFile): Promise<UploadState | null> {
    const id = this.storage?.getItem(uploadKey(file))
    if (!id) return null
    try {
      const up = await this.request<UploadState>('GET', `/api/v1/uploads/${encodeURIComponent(id)}`)
      if (up && up.size === file.size && up.filename === file.name) return up
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 410)) throw e
    }
    this.storage?.removeItem(uploadKey(file)) // expired or someone else's: start again
    return null
  }

  async start(file: UploadableFile): Promise<UploadState> {
    const body: Record<string, unknown> = { filename: file.name, size: file.size }
    if (this.opts.sha256) body.sha256 = this.opts.sha256
    const up = (await this.request<UploadState>('POST', '/api/v1/uploads', JSON.stringify(body), 'application/json'))!
    this.storage?.setItem(uploadKey(file), up.id)
    return up
  }

  private async putPart(file: UploadableFile, up: UploadState, n: number): Promise<UploadState> {
    const [start, end] = partRange(file.size, up.part_size, n)
    const retries = this.opts.retries ?? 3
    const backoff = this.opts.backoffMs ?? defaultBackoff
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
    for (let attempt = 1; ; attempt++) {
      try {
        const path = `/api/v1/uploads/${encodeURIComponent(up.id)}/parts/${n}`
        return (await this.request<UploadState>('PUT', path, file.slice(start, end), 'application/octet-stream'))!
      } catch (e) {
        if (attempt > retries || !retriable(e)) throw e
        this.opts.onRetry?.(n, attempt, e)
        await sleep(backoff(attempt))
      }
    }
  }

  /** Sends the file (or what the server lacks of it); resolves with the complete upload. */
  async upload(file: UploadableFile): Promise<UploadState> {
    const resumed = await this.resumable(file)
    let up = resumed ?? (await this.start(file))
    this.opts.onStart?.(up, !!resumed)
    this.opts.onProgress?.(up.bytes_received, file.size)
    for (const n of missingParts(up.parts, up.received)) {
      up = await this.putPart(file, up, n)
      this.opts.onProgress?.(up.bytes_received, file.size)
    }
    return up
  }

  /** Removes the upload on the server and forgets it (after the import was written). */
  async discard(file: UploadableFile, id: string): Promise<void> {
    this.storage?.removeItem(uploadKey(file))
    try {
      await this.request('DELETE', `/api/v1/uploads/${encodeURIComponent(id)}`)
    } catch {
      // it expires by itself within a day
    }
  }
}
