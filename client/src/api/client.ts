/**
 * The one fetch wrapper for /api/v1. JSON in and out; sends X-CSRF-Token
 * (from the tavolo_csrf cookie, set by GET /api/v1/session) on unsafe
 * methods; turns every failure into an ApiError.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>
  readonly retryAfter?: number
  /** A moderator's words on the refused state (a suspension's reason). */
  reason?: string
  /** When the refused state ends (a suspension, a mute), ISO. */
  until?: string
  /** The whole answer, for refusals that carry more than the error (a 409's conflict). */
  readonly body?: unknown

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, retryAfter?: number, body?: unknown) {
    super(message)
    this.body = body
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.retryAfter = retryAfter
  }

  /** True when the request never got an HTTP answer. */
  get isNetwork(): boolean {
    return this.status === 0
  }
}

export const API_BASE = '/api/v1'

let csrfFromBody = ''

/** Remember the token from GET /session's body (used if the cookie is unreadable). */
export function setCsrfToken(token: string) {
  csrfFromBody = token
}

export function csrfToken(): string {
  const m = typeof document !== 'undefined' ? document.cookie.match(/(?:^|;\s*)tavolo_csrf=([^;]*)/) : null
  return m ? decodeURIComponent(m[1]) : csrfFromBody
}

type Listener = (err: ApiError) => void
const errorListeners = new Set<Listener>()

/** Called for every 401/403 gating answer, so the session can refresh itself. */
export function onAuthError(fn: Listener): () => void {
  errorListeners.add(fn)
  return () => errorListeners.delete(fn)
}

/**
 * The ApiError for a non-2xx answer: reads the { error: { code, message,
 * fields } } envelope (parsed body, or undefined), maps a bare 5xx to
 * 'internal', keeps a positive Retry-After (seconds), and notifies the
 * onAuthError listeners on 401 and on the gating codes. Shared by request()
 * and the XHR upload path.
 */
export function toApiError(status: number, body: unknown, retryAfter?: string | null): ApiError {
  const e = (body as { error?: { code?: string; message?: string; fields?: Record<string, string>; reason?: string; until?: string } } | undefined)?.error
  const ra = Number(retryAfter)
  const err = new ApiError(
    status,
    e?.code ?? (status >= 500 ? 'internal' : 'http_' + status),
    e?.message ?? '',
    e?.fields ?? {},
    Number.isFinite(ra) && ra > 0 ? ra : undefined,
    body,
  )
  err.reason = e?.reason
  err.until = e?.until
  if (status === 401 || err.code === 'administration_pending' || err.code === 'account_suspended') {
    errorListeners.forEach((fn) => fn(err))
  }
  return err
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>
  signal?: AbortSignal
  headers?: Record<string, string>
  /** Let the request outlive the page (sent while it unloads). */
  keepalive?: boolean
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// GET answers asked for before the code that wants them has loaded (see
// requestEarly): the first request for the same URL within EARLY_MS takes
// the answer instead of asking again.
const EARLY_MS = 10_000
const early = new Map<string, { at: number; answer: Promise<unknown> }>()
let keepEarly = false

/**
 * Runs ask, keeping the answers of the GET requests it makes for the code
 * that will make them again once loaded. main.tsx uses it so the session and
 * a page's data travel while the JavaScript that shows them is still on its
 * way: on a slow link each step of that chain costs a round trip.
 */
export function requestEarly(ask: () => Promise<unknown>) {
  keepEarly = true
  try {
    ask().catch(() => undefined) // the taker sees the failure
  } finally {
    keepEarly = false
  }
}

export function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  let url = API_BASE + path
  if (opts.query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
    const s = q.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  if (method !== 'GET') return send<T>(method, url, body, opts)
  const kept = early.get(url)
  if (kept) {
    early.delete(url)
    if (Date.now() - kept.at < EARLY_MS) return kept.answer as Promise<T>
  }
  const answer = send<T>(method, url, body, opts)
  if (keepEarly) early.set(url, { at: Date.now(), answer })
  return answer
}

async function send<T>(method: string, url: string, body: unknown, opts: RequestOptions): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  let payload: BodyInit | undefined
  if (body instanceof FormData) {
    payload = body
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  if (UNSAFE.has(method)) headers['X-CSRF-Token'] = csrfToken()

  let res: Response
  try {
    res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal, keepalive: opts.keepalive })
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network', '')
  }
  if (res.status === 204 || res.status === 202) {
    // 202 may carry a body; we never need it.
    return undefined as T
  }
  const text = await res.text()
  let data: unknown = undefined
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = undefined
    }
  }
  if (!res.ok) throw toApiError(res.status, data, res.headers.get('Retry-After'))
  return data as T
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body, opts),
  delete: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
}
