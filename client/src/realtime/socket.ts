/**
 * The one websocket of the app (protocol: docs/realtime.md).
 *
 * - connects to /ws while a user is active (`realtime.start()` / `stop()`,
 *   driven by the session), and says `ping` every 25 s; two pings without
 *   any answer mean the connection is dead;
 * - reconnects with full-jitter exponential backoff from 0.5 s, waiting at
 *   most 4 s while the page is visible (30 s while hidden), and at once when
 *   the browser comes back online or the tab becomes visible;
 * - remembers the last seq of every topic and resubscribes with `since`
 *   after a reconnect, so the server replays exactly what was missed;
 * - drops events whose seq is not newer than what a subscriber has;
 * - on `reset`, calls the subscriber's refetch callback (holding back live
 *   events until it resolves) and subscribes again with `since: head`;
 * - queues outgoing messages while offline and flushes them on open;
 * - exposes the connection state as a small store.
 *
 * Features never open sockets themselves: they use `useTopic` (./hooks) or
 * `realtime.subscribe` / `realtime.publish`.
 */

export type ConnectionState = 'connected' | 'reconnecting' | 'offline'

export interface RealtimeEvent<D = unknown> {
  type: 'event'
  topic: string
  seq: number
  event: string
  data: D
  at: string
}

export interface TransientEvent<D = unknown> {
  type: 'transient'
  topic: string
  event: string
  data: D
  user_id: string
}

/** Who is subscribed to a topic now (rooms); users is absent when the topic shows counts only. */
export interface PresenceFrame {
  type: 'presence'
  topic: string
  count: number
  users?: { id: string; name: string }[]
}

export interface TopicHandlers {
  /** A stored event, in seq order, exactly once. */
  onEvent: (ev: RealtimeEvent) => void
  /**
   * The server cannot replay the gap: refetch the view over HTTP and return
   * (or resolve to) the `seq` the refetched view carries. Events up to that
   * seq are then skipped; later ones are delivered after the refetch.
   */
  onReset?: (head: number) => Promise<number | void> | number | void
  onTransient?: (ev: TransientEvent) => void
  /** The topic's presence, on subscribe (the last one known) and on each change. */
  onPresence?: (p: PresenceFrame) => void
  /** The server refused the subscription (forbidden, unknown_topic…). */
  onError?: (code: string, message: string) => void
}

/** The part of the browser WebSocket this module uses (a fake in tests). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
  onclose: ((ev: { code: number; reason?: string }) => void) | null
  onerror: ((ev: unknown) => void) | null
}

export interface EnvCallbacks {
  online: () => void
  offline: () => void
  visible: () => void
}

export interface RealtimeDeps {
  createSocket: (url: string) => SocketLike
  url: () => string
  isOnline: () => boolean
  /** The tab is shown (document.visibilityState === 'visible'). */
  isVisible: () => boolean
  /** Registers online/offline/visibility listeners; returns a remover. */
  listenEnv: (cb: EnvCallbacks) => () => void
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (h: unknown) => void
  setInterval: (fn: () => void, ms: number) => unknown
  clearInterval: (h: unknown) => void
  random: () => number
  /** The server closed with 4001/4003: the session ended. */
  onSessionEnded?: () => void
  /** Several connection attempts in a row failed before opening (maybe logged out). */
  onConnectFailures?: () => void
}

export const HEARTBEAT_MS = 25_000
export const MAX_MISSED_PONGS = 2
export const BACKOFF_BASE_MS = 500
/** The longest wait between attempts while someone looks at the page. */
export const BACKOFF_MAX_VISIBLE_MS = 4_000
/** The longest wait while the tab is hidden (visibilitychange retries at once). */
export const BACKOFF_MAX_MS = 30_000
export const MAX_QUEUE = 200
export const FAILURES_BEFORE_SESSION_CHECK = 3
export const CLOSE_SESSION_ENDED = 4001
export const CLOSE_FORBIDDEN = 4003

const OPEN = 1

/** Full jitter: a uniform delay in [0, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, random: () => number, base = BACKOFF_BASE_MS, max = BACKOFF_MAX_MS): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * cap)
}

interface Listener {
  handlers: TopicHandlers
  /** Wants the events without being present (a list's unread badges). */
  quiet: boolean
  lastSeq: number | null
  /** Non-null while a reset refetch is in flight: events wait here. */
  held: RealtimeEvent[] | null
}

interface TopicState {
  lastSeq: number | null
  listeners: Set<Listener>
  subId: string | null
  /** The last presence frame (given to listeners that join later). */
  presence?: PresenceFrame
  /** Subscribed with quiet (every listener is quiet). */
  quiet: boolean
}

type Outgoing = Record<string, unknown> & { type: string }

interface Pending {
  resolve: () => void
  reject: (e: Error) => void
}

export class RealtimeError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message || code)
    this.code = code
  }
}

export class RealtimeClient {
  private deps: RealtimeDeps
  private ws: SocketLike | null = null
  private opened = false
  private running = false
  private attempt = 0
  private failures = 0
  private missedPongs = 0
  private nextId = 0
  private reconnectTimer: unknown = null
  private heartbeatTimer: unknown = null
  private removeEnv: (() => void) | null = null
  private topics = new Map<string, TopicState>()
  private queue: Outgoing[] = []
  private pending = new Map<string, Pending>()
  private state: ConnectionState = 'offline'
  private stateListeners = new Set<() => void>()
  userId: string | null = null

  constructor(deps: RealtimeDeps) {
    this.deps = deps
  }

  // ---- connection state store -------------------------------------------

  getState = (): ConnectionState => this.state

  subscribeState = (fn: () => void): (() => void) => {
    this.stateListeners.add(fn)
    return () => {
      this.stateListeners.delete(fn)
    }
  }

  private updateState() {
    let s: ConnectionState
    if (!this.deps.isOnline()) s = 'offline'
    else if (!this.running) s = 'offline'
    else if (this.ws && this.opened) s = 'connected'
    else s = 'reconnecting'
    if (s !== this.state) {
      this.state = s
      this.stateListeners.forEach((fn) => fn())
    }
  }

  // ---- lifecycle ----------------------------------------------------------

  /** Connect (idempotent). Called when an active user is logged in. */
  start() {
    if (this.running) return
    this.running = true
    this.attempt = 0
    this.failures = 0
    this.removeEnv = this.deps.listenEnv({
      online: () => this.handleOnline(),
      offline: () => this.updateState(),
      visible: () => this.retryNow(),
    })
    this.connect()
  }

  /** Disconnect and forget nothing but the socket (topics stay registered). */
  stop() {
    this.running = false
    this.clearReconnect()
    this.stopHeartbeat()
    this.removeEnv?.()
    this.removeEnv = null
    const ws = this.ws
    this.ws = null
    this.opened = false
    if (ws) {
      this.detach(ws)
      try {
        ws.close(1000, 'logout')
      } catch {
        /* already closed */
      }
    }
    this.queue = []
    this.pending.forEach((p) => p.reject(new RealtimeError('stopped', 'stopped')))
    this.pending.clear()
    this.updateState()
  }

  /** Drop the current socket and connect again now (e.g. after a new login). */
  restart() {
    this.stop()
    this.start()
  }

  private connect() {
    if (!this.running) return
    this.clearReconnect()
    if (!this.deps.isOnline()) {
      this.updateState()
      return // handleOnline() reconnects
    }
    let ws: SocketLike
    try {
      ws = this.deps.createSocket(this.deps.url())
    } catch {
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    this.opened = false
    ws.onopen = () => this.handleOpen(ws)
    ws.onmessage = (ev) => this.handleMessage(ws, ev.data)
    ws.onclose = (ev) => this.handleClose(ws, ev.code)
    ws.onerror = () => {
      /* a close follows */
    }
    this.updateState()
  }

  private detach(ws: SocketLike) {
    ws.onopen = null
    ws.onmessage = null
    ws.onclose = null
    ws.onerror = null
  }

  private handleOpen(ws: SocketLike) {
    if (ws !== this.ws) return
    this.opened = true
    this.attempt = 0
    this.failures = 0
    this.missedPongs = 0
    this.startHeartbeat()
    // Resubscribe every topic from where it was, then flush what waited.
    for (const [topic, t] of this.topics) this.sendSubscribe(topic, t)
    const queued = this.queue
    this.queue = []
    for (const m of queued) this.rawSend(m)
    this.updateState()
  }

  private handleClose(ws: SocketLike, code: number) {
    if (ws !== this.ws) return
    const wasOpen = this.opened
    this.detach(ws)
    this.ws = null
    this.opened = false
    this.stopHeartbeat()
    for (const t of this.topics.values()) t.subId = null
    if (code === CLOSE_SESSION_ENDED || code === CLOSE_FORBIDDEN) {
      this.stop()
      this.deps.onSessionEnded?.()
      return
    }
    if (!wasOpen) {
      this.failures++
      if (this.failures % FAILURES_BEFORE_SESSION_CHECK === 0) this.deps.onConnectFailures?.()
    }
    this.scheduleReconnect()
  }

  private scheduleReconnect() {
    if (!this.running) return
    this.clearReconnect()
    this.updateState()
    if (!this.deps.isOnline()) return // wait for 'online'
    const max = this.deps.isVisible() ? BACKOFF_MAX_VISIBLE_MS : BACKOFF_MAX_MS
    const delay = backoffDelay(this.attempt++, this.deps.random, BACKOFF_BASE_MS, max)
    this.reconnectTimer = this.deps.setTimeout(() => {
      this.reconnectTimer = null
      this.connect()
    }, delay)
  }

  private clearReconnect() {
    if (this.reconnectTimer !== null) {
      this.deps.clearTimeout(this.reconnectTimer)
      this.reconnectTimer = null
    }
  }

  private handleOnline() {
    this.updateState()
    this.retryNow()
  }

  /** Back online or shown again: connect now instead of waiting out the backoff. */
  private retryNow() {
    if (!this.running) return
    if (this.ws && this.opened) {
      // Back from sleep or a network change: find out now whether the socket survived.
      this.sendPing()
    } else if (!this.ws) {
      this.attempt = 0
      this.connect()
    }
  }

  /** Give up on the current socket (no answer to pings) and reconnect. */
  private dropDead() {
    const ws = this.ws
    if (!ws) return
    this.detach(ws)
    try {
      ws.close(4000, 'heartbeat timeout')
    } catch {
      /* ignore */
    }
    this.ws = null
    this.opened = false
    this.stopHeartbeat()
    for (const t of this.topics.values()) t.subId = null
    this.scheduleReconnect()
  }

  // ---- heartbeat ----------------------------------------------------------

  private startHeartbeat() {
    this.stopHeartbeat()
    this.heartbeatTimer = this.deps.setInterval(() => this.sendPing(), HEARTBEAT_MS)
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer !== null) {
      this.deps.clearInterval(this.heartbeatTimer)
      this.heartbeatTimer = null
    }
    this.missedPongs = 0
  }

  private sendPing() {
    if (!this.ws || !this.opened) return
    if (this.missedPongs >= MAX_MISSED_PONGS) {
      this.dropDead()
      return
    }
    this.missedPongs++
    this.rawSend({ type: 'ping', id: this.newId() })
  }

  // ---- topics -------------------------------------------------------------

  /**
   * Receive the events of `topic` after `since` (the `seq` of the HTTP view
   * the caller shows; null: live only). Returns the unsubscribe function.
   */
  subscribe(topic: string, since: number | null, handlers: TopicHandlers, opts: { quiet?: boolean } = {}): () => void {
    const listener: Listener = { handlers, quiet: !!opts.quiet, lastSeq: since, held: null }
    let t = this.topics.get(topic)
    if (!t) {
      t = { lastSeq: since, listeners: new Set([listener]), subId: null, quiet: listener.quiet }
      this.topics.set(topic, t)
      if (this.ws && this.opened) this.sendSubscribe(topic, t)
    } else {
      t.listeners.add(listener)
      if (t.presence) handlers.onPresence?.(t.presence)
      if (since !== null && t.lastSeq !== null && since < t.lastSeq) {
        // Others already consumed events this listener's view lacks.
        this.resetListener(listener, t.lastSeq)
      } else if (since !== null && t.lastSeq === null) {
        t.lastSeq = since
      }
      this.updateQuiet(topic, t)
    }
    const state = t
    return () => {
      state.listeners.delete(listener)
      if (state.listeners.size === 0 && this.topics.get(topic) === state) {
        this.topics.delete(topic)
        if (this.ws && this.opened) this.rawSend({ type: 'unsubscribe', id: this.newId(), topic })
      } else {
        this.updateQuiet(topic, state)
      }
    }
  }

  /** A topic is subscribed quietly while all its listeners are quiet; a change subscribes again (the server switches). */
  private updateQuiet(topic: string, t: TopicState) {
    const quiet = [...t.listeners].every((l) => l.quiet)
    if (quiet === t.quiet) return
    t.quiet = quiet
    if (quiet) t.presence = undefined
    if (this.ws && this.opened) this.sendSubscribe(topic, t)
  }

  /** The last seq received for a topic (null when unknown). */
  lastSeq(topic: string): number | null {
    return this.topics.get(topic)?.lastSeq ?? null
  }

  private sendSubscribe(topic: string, t: TopicState) {
    const id = this.newId()
    t.subId = id
    const msg: Outgoing = { type: 'subscribe', id, topic }
    if (t.lastSeq !== null) msg.since = t.lastSeq
    if (t.quiet) msg.quiet = true
    this.rawSend(msg)
  }

  private deliver(l: Listener, ev: RealtimeEvent) {
    if (l.held) {
      l.held.push(ev)
      return
    }
    if (l.lastSeq !== null && ev.seq <= l.lastSeq) return
    l.lastSeq = ev.seq
    try {
      l.handlers.onEvent(ev)
    } catch (e) {
      console.error('realtime: subscriber failed', e)
    }
  }

  private resetListener(l: Listener, head: number) {
    if (!l.handlers.onReset) {
      l.lastSeq = head
      return
    }
    if (l.held) return // a refetch is already running; it will catch up
    l.held = []
    const finish = (seq: number) => {
      const held = l.held ?? []
      l.held = null
      l.lastSeq = Math.max(seq, l.lastSeq ?? seq)
      for (const ev of held) this.deliver(l, ev)
    }
    let r: ReturnType<NonNullable<TopicHandlers['onReset']>>
    try {
      r = l.handlers.onReset(head)
    } catch (e) {
      console.error('realtime: refetch failed', e)
      finish(head)
      return
    }
    Promise.resolve(r).then(
      (seq) => finish(typeof seq === 'number' ? seq : head),
      (e) => {
        console.error('realtime: refetch failed', e)
        finish(head)
      },
    )
  }

  // ---- outgoing -----------------------------------------------------------

  /**
   * Send a transient event (typing…). Queued while offline; resolves on the
   * server's `ack`, rejects on its `error`.
   */
  publish(topic: string, event: string, data: unknown = {}): Promise<void> {
    const id = this.newId()
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.send({ type: 'publish', id, topic, event, data })
    })
  }

  /** Send a message now, or queue it until the socket opens. */
  send(msg: Outgoing) {
    if (this.ws && this.opened && this.ws.readyState === OPEN) {
      this.rawSend(msg)
      return
    }
    this.queue.push(msg)
    if (this.queue.length > MAX_QUEUE) {
      const dropped = this.queue.shift()
      const id = dropped && typeof dropped.id === 'string' ? dropped.id : null
      if (id) {
        this.pending.get(id)?.reject(new RealtimeError('queue_full', 'queue full'))
        this.pending.delete(id)
      }
    }
  }

  /** Messages waiting for the socket to open. */
  get queued(): number {
    return this.queue.length
  }

  private rawSend(msg: Outgoing) {
    try {
      this.ws?.send(JSON.stringify(msg))
    } catch {
      this.queue.push(msg)
    }
  }

  private newId(): string {
    return 'c' + ++this.nextId
  }

  // ---- incoming -----------------------------------------------------------

  private handleMessage(ws: SocketLike, raw: unknown) {
    if (ws !== this.ws || typeof raw !== 'string') return
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      return
    }
    this.missedPongs = 0 // any traffic proves the connection alive
    const msgs = Array.isArray(parsed) ? parsed : [parsed]
    for (const m of msgs) {
      if (m && typeof m === 'object') this.handleOne(m as Record<string, unknown>)
    }
  }

  private handleOne(m: Record<string, unknown>) {
    const topic = typeof m.topic === 'string' ? m.topic : ''
    switch (m.type) {
      case 'hello':
        this.userId = typeof m.user_id === 'string' ? m.user_id : null
        return
      case 'pong':
        this.missedPongs = 0
        return
      case 'event': {
        const t = this.topics.get(topic)
        const seq = Number(m.seq)
        if (!t || !Number.isFinite(seq)) return
        if (t.lastSeq !== null && seq <= t.lastSeq) return // duplicate
        t.lastSeq = seq
        const ev = m as unknown as RealtimeEvent
        for (const l of [...t.listeners]) this.deliver(l, ev)
        return
      }
      case 'subscribed': {
        const t = this.topics.get(topic)
        const head = Number(m.head)
        if (!t || !Number.isFinite(head)) return
        if (t.lastSeq === null) {
          t.lastSeq = head
          for (const l of t.listeners) if (l.lastSeq === null) l.lastSeq = head
        }
        return
      }
      case 'reset': {
        const t = this.topics.get(topic)
        const head = Number(m.head)
        if (!t || !Number.isFinite(head)) return
        t.lastSeq = head
        for (const l of [...t.listeners]) this.resetListener(l, head)
        if (this.ws && this.opened) this.sendSubscribe(topic, t)
        return
      }
      case 'unsubscribed': {
        // Unprompted (a code, no id): the server ended the subscription because
        // its rule no longer admits us (a room's access changed). Nothing more
        // comes for the topic; its listeners learn why, as of a refused subscribe.
        const t = this.topics.get(topic)
        if (!t || typeof m.code !== 'string' || m.id) return
        t.subId = null
        t.presence = undefined
        for (const l of [...t.listeners]) l.handlers.onError?.(m.code, '')
        return
      }
      case 'presence': {
        const t = this.topics.get(topic)
        if (!t || !Number.isFinite(Number(m.count))) return
        t.presence = m as unknown as PresenceFrame
        for (const l of [...t.listeners]) l.handlers.onPresence?.(t.presence)
        return
      }
      case 'transient': {
        const t = this.topics.get(topic)
        if (!t) return
        for (const l of [...t.listeners]) l.handlers.onTransient?.(m as unknown as TransientEvent)
        return
      }
      case 'ack': {
        const id = String(m.id)
        this.pending.get(id)?.resolve()
        this.pending.delete(id)
        return
      }
      case 'error': {
        const id = typeof m.id === 'string' ? m.id : ''
        const code = String(m.code ?? 'internal')
        const message = String(m.message ?? '')
        const p = this.pending.get(id)
        if (p) {
          p.reject(new RealtimeError(code, message))
          this.pending.delete(id)
          return
        }
        for (const t of this.topics.values()) {
          if (id && t.subId === id) for (const l of t.listeners) l.handlers.onError?.(code, message)
        }
        return
      }
      default:
        return
    }
  }
}

/** Browser wiring: the real WebSocket, window events, timers. */
function browserDeps(): RealtimeDeps {
  return {
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    url: () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    isOnline: () => (typeof navigator === 'undefined' ? true : navigator.onLine !== false),
    isVisible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
    listenEnv: (cb) => {
      const vis = () => {
        if (document.visibilityState === 'visible') cb.visible()
      }
      window.addEventListener('online', cb.online)
      window.addEventListener('offline', cb.offline)
      document.addEventListener('visibilitychange', vis)
      return () => {
        window.removeEventListener('online', cb.online)
        window.removeEventListener('offline', cb.offline)
        document.removeEventListener('visibilitychange', vis)
      }
    },
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
    clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>),
    random: Math.random,
  }
}

const sessionHooks: { ended: (() => void) | null; check: (() => void) | null } = { ended: null, check: null }

/** The app's single realtime client. */
export const realtime = new RealtimeClient({
  ...lazyDeps(),
  onSessionEnded: () => sessionHooks.ended?.(),
  onConnectFailures: () => sessionHooks.check?.(),
})

/** The session provider tells the socket how to refresh the session. */
export function setSessionHooks(ended: () => void, check: () => void) {
  sessionHooks.ended = ended
  sessionHooks.check = check
}

// browserDeps touches window only when called; keep module import side-effect free for tests.
function lazyDeps(): RealtimeDeps {
  let d: RealtimeDeps | null = null
  const get = () => (d ??= browserDeps())
  return {
    createSocket: (u) => get().createSocket(u),
    url: () => get().url(),
    isOnline: () => get().isOnline(),
    isVisible: () => get().isVisible(),
    listenEnv: (cb) => get().listenEnv(cb),
    setTimeout: (fn, ms) => get().setTimeout(fn, ms),
    clearTimeout: (h) => get().clearTimeout(h),
    setInterval: (fn, ms) => get().setInterval(fn, ms),
    clearInterval: (h) => get().clearInterval(h),
    random: () => get().random(),
  }
}
