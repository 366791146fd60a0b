// The typed API client (openapi-fetch over the generated schema). Every request carries
// Accept-Language (server messages in the UI language); every write carries the CSRF
// token; a 401 on anything but signing in means the session is over.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError, isProblem } from './problem'

export interface ApiHooks {
  language: () => string
  csrfToken: () => string
  onUnauthorized: () => void
}

const hooks: ApiHooks = {
  language: () => 'zh-CN',
  csrfToken: () => '',
  onUnauthorized: () => {},
}

export function configureApi(h: Partial<ApiHooks>): void {
  Object.assign(hooks, h)
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

// Requests whose 401 is an answer, not an expired session.
function expected401(request: Request): boolean {
  const path = new URL(request.url, location.origin).pathname
  return path === '/api/v1/session' || path === '/api/v1/me'
}

const middleware: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', hooks.language())
    if (!SAFE.has(request.method)) {
      const token = hooks.csrfToken()
      if (token) request.headers.set('X-CSRF-Token', token)
    }
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !expected401(request)) hooks.onUnauthorized()
    return response
  },
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(middleware)

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

// Awaits an openapi-fetch call: the data on success, an ApiError otherwise (status 0
// when the server could not be reached).
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await request
  } catch (e) {
    throw new ApiError(0, null, e instanceof Error ? e.message : String(e))
  }
  if (result.response.ok) return result.data as T
  throw new ApiError(result.response.status, isProblem(result.error) ? result.error : null)
}
