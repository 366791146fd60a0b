// Live ticket events from the server (GET /api/v1/events/stream, text/event-stream, cookie
// auth): one EventSource for the whole console, opened while at least one page listens,
// reconnected with backoff when it drops. A server without the stream (404) or a network
// failure just means no live updates: the pages still work with their refresh buttons.
import { onBeforeUnmount, onMounted, ref } from 'vue'
import { backoffMs, parseTicketEvent, type LiveTicketEvent } from './tickets'

export const STREAM_URL = '/api/v1/events/stream'

type Listener = (e: LiveTicketEvent) => void

const listeners = new Set<Listener>()
let source: EventSource | null = null
let timer: ReturnType<typeof setTimeout> | null = null
let attempt = 0
// Whether the stream is open now (for a small "live" mark on the pages).
export const liveConnected = ref(false)

function dispatch(ev: MessageEvent) {
  const e = parseTicketEvent(String(ev.data ?? ''))
  if (!e) return
  for (const l of [...listeners]) {
    try {
      l(e)
    } catch {
      /* one page's handler must not stop the others */
    }
  }
}

function connect() {
  timer = null
  if (!listeners.size || source || typeof EventSource === 'undefined') return
  const es = new EventSource(STREAM_URL, { withCredentials: true })
  source = es
  es.addEventListener('open', () => {
    attempt = 0
    liveConnected.value = true
  })
  es.addEventListener('ticket', dispatch as EventListener)
  es.addEventListener('error', () => {
    // The browser retries by itself only while the server spoke event-stream; a 404, a 401
    // or a closed connection ends up CLOSED: back off and try again ourselves.
    if (es.readyState !== EventSource.CLOSED) {
      liveConnected.value = false
      return
    }
    es.close()
    if (source === es) source = null
    liveConnected.value = false
    schedule()
  })
}

function schedule() {
  if (timer || !listeners.size) return
  timer = setTimeout(connect, backoffMs(attempt++, 2000, 60_000))
}

function disconnect() {
  if (timer) clearTimeout(timer)
  timer = null
  source?.close()
  source = null
  attempt = 0
  liveConnected.value = false
}

export function subscribe(l: Listener): () => void {
  listeners.add(l)
  if (!source && !timer) connect()
  return () => {
    listeners.delete(l)
    if (!listeners.size) disconnect()
  }
}

// In a component: `useLiveEvents((e) => …)` listens while the component is mounted.
export function useLiveEvents(handler: Listener) {
  let stop: (() => void) | null = null
  onMounted(() => {
    stop = subscribe(handler)
  })
  onBeforeUnmount(() => stop?.())
  return { connected: liveConnected }
}
