// Live events from the server (GET /api/v1/events/stream, text/event-stream, cookie auth):
// one EventSource for the whole console, carrying every module's frames (`ticket`,
// `callback`), opened while at least one page listens, reconnected with backoff when it
// drops. A server without the stream (404) or a network failure just means no live updates:
// the pages still work with their refresh buttons.
import { onBeforeUnmount, onMounted, ref } from 'vue'
import { backoffMs, parseTicketEvent, type LiveTicketEvent } from './tickets'
import { parseCallbackEvent, type LiveCallbackEvent } from './callbacks'

export const STREAM_URL = '/api/v1/events/stream'

type Listener = (e: LiveTicketEvent) => void
type CallbackListener = (e: LiveCallbackEvent) => void

const listeners = new Set<Listener>()
const callbackListeners = new Set<CallbackListener>()
const listening = () => listeners.size + callbackListeners.size > 0
let source: EventSource | null = null
let timer: ReturnType<typeof setTimeout> | null = null
let attempt = 0
// Whether the stream is open now (for a small "live" mark on the pages).
export const liveConnected = ref(false)

function deliver<T>(set: Set<(e: T) => void>, e: T | null) {
  if (!e) return
  for (const l of [...set]) {
    try {
      l(e)
    } catch {
      /* one page's handler must not stop the others */
    }
  }
}
const dispatch = (ev: MessageEvent) => deliver(listeners, parseTicketEvent(String(ev.data ?? '')))
const dispatchCallback = (ev: MessageEvent) => deliver(callbackListeners, parseCallbackEvent(String(ev.data ?? '')))

function connect() {
  timer = null
  if (!listening() || source || typeof EventSource === 'undefined') return
  const es = new EventSource(STREAM_URL, { withCredentials: true })
  source = es
  es.addEventListener('open', () => {
    attempt = 0
    liveConnected.value = true
  })
  es.addEventListener('ticket', dispatch as EventListener)
  es.addEventListener('callback', dispatchCallback as EventListener)
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
  if (timer || !listening()) return
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

function join<T>(set: Set<T>, l: T): () => void {
  set.add(l)
  if (!source && !timer) connect()
  return () => {
    set.delete(l)
    if (!listening()) disconnect()
  }
}
export const subscribe = (l: Listener) => join(listeners, l)
export const subscribeCallbacks = (l: CallbackListener) => join(callbackListeners, l)

function useWhileMounted(start: () => () => void) {
  let stop: (() => void) | null = null
  onMounted(() => {
    stop = start()
  })
  onBeforeUnmount(() => stop?.())
  return { connected: liveConnected }
}
// In a component: `useLiveEvents((e) => …)` listens to ticket events while it is mounted.
export const useLiveEvents = (handler: Listener) => useWhileMounted(() => subscribe(handler))
// The same for callback events.
export const useLiveCallbackEvents = (handler: CallbackListener) => useWhileMounted(() => subscribeCallbacks(handler))
