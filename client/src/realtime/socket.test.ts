import { describe, expect, it, vi } from 'vitest'
import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  BACKOFF_MAX_VISIBLE_MS,
  HEARTBEAT_MS,
  RealtimeClient,
  backoffDelay,
  type EnvCallbacks,
  type RealtimeEvent,
  type SocketLike,
} from './socket'

class FakeSocket implements SocketLike {
  readyState = 0
  sent: Record<string, unknown>[] = []
  closed: number | null = null
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  constructor(public url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open')
    this.sent.push(JSON.parse(data))
  }
  close(code = 1000) {
    this.closed = code
    this.readyState = 3
  }
  // test helpers
  open() {
    this.readyState = 1
    this.onopen?.({})
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
  drop(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code })
  }
  ofType(type: string) {
    return this.sent.filter((m) => m.type === type)
  }
}

function setup(opts: { online?: boolean; visible?: boolean; random?: () => number } = {}) {
  const sockets: FakeSocket[] = []
  let online = opts.online ?? true
  let visible = opts.visible ?? true
  let env: EnvCallbacks | null = null
  const onSessionEnded = vi.fn()
  const onConnectFailures = vi.fn()
  vi.useFakeTimers()
  const client = new RealtimeClient({
    createSocket: (url) => {
      const s = new FakeSocket(url)
      sockets.push(s)
      return s
    },
    url: () => 'ws://test/ws',
    isOnline: () => online,
    isVisible: () => visible,
    listenEnv: (cb) => {
      env = cb
      return () => {
        env = null
      }
    },
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    setInterval: (fn, ms) => setInterval(fn, ms),
    clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
    random: opts.random ?? (() => 0.5),
    onSessionEnded,
    onConnectFailures,
  })
  return {
    client,
    sockets,
    last: () => sockets[sockets.length - 1],
    setOnline(v: boolean) {
      online = v
      if (v) env?.online()
      else env?.offline()
    },
    setVisible(v: boolean) {
      visible = v
      if (v) env?.visible()
    },
    onSessionEnded,
    onConnectFailures,
  }
}

const ev = (topic: string, seq: number, data: unknown = {}) => ({ type: 'event', topic, seq, event: 'post.created', data, at: '' })

describe('backoffDelay', () => {
  it('never exceeds the visible cap when given it', () => {
    for (let n = 0; n < 40; n++) {
      for (const r of [0, 0.3, 0.999999]) {
        const d = backoffDelay(n, () => r, BACKOFF_BASE_MS, BACKOFF_MAX_VISIBLE_MS)
        expect(d, `attempt ${n}, random ${r}`).toBeLessThanOrEqual(BACKOFF_MAX_VISIBLE_MS)
        expect(d, `attempt ${n}, random ${r}`).toBe(Math.floor(r * Math.min(BACKOFF_MAX_VISIBLE_MS, BACKOFF_BASE_MS * 2 ** n)))
      }
    }
  })

  it('stays within [0, min(30 s, 0.5 s · 2^n)] with full jitter', () => {
    for (let n = 0; n < 40; n++) {
      const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** n)
      expect(backoffDelay(n, () => 0)).toBe(0)
      expect(backoffDelay(n, () => 0.999999)).toBeLessThanOrEqual(cap)
      expect(backoffDelay(n, () => 0.999999)).toBeGreaterThan(cap * 0.99)
      const d = backoffDelay(n, Math.random)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThanOrEqual(BACKOFF_MAX_MS)
    }
    expect(backoffDelay(0, () => 0.999999)).toBeLessThanOrEqual(500)
    expect(backoffDelay(100, () => 0.999999)).toBeLessThanOrEqual(30_000)
  })
})

describe('RealtimeClient', () => {
  it('subscribes on open, with since when a seq is known', () => {
    const h = setup()
    h.client.subscribe('thread:a', 7, { onEvent: () => {} })
    h.client.subscribe('forum', null, { onEvent: () => {} })
    h.client.start()
    expect(h.client.getState()).toBe('reconnecting')
    h.last().open()
    expect(h.client.getState()).toBe('connected')
    const subs = h.last().ofType('subscribe')
    expect(subs).toEqual([
      expect.objectContaining({ topic: 'thread:a', since: 7 }),
      expect.not.objectContaining({ since: expect.anything() }),
    ])
    expect(subs[1].topic).toBe('forum')
  })

  it('handles single frames and arrays, in order, and drops duplicates by seq', () => {
    const h = setup()
    const got: number[] = []
    h.client.subscribe('thread:a', 3, { onEvent: (e) => got.push(e.seq) })
    h.client.start()
    h.last().open()
    h.last().receive(ev('thread:a', 3)) // already in the HTTP view
    h.last().receive([ev('thread:a', 4), ev('thread:a', 5)])
    h.last().receive(ev('thread:a', 5)) // duplicate
    h.last().receive([ev('thread:a', 4), ev('thread:a', 6), { type: 'pong', id: 'x' }])
    h.last().receive(ev('other', 9)) // not subscribed
    expect(got).toEqual([4, 5, 6])
  })

  it('resumes with since = last seq after a dropped connection, exactly once', () => {
    const h = setup()
    const got: number[] = []
    h.client.subscribe('thread:a', 10, { onEvent: (e) => got.push(e.seq) })
    h.client.start()
    h.last().open()
    h.last().receive([ev('thread:a', 11), ev('thread:a', 12)])
    h.last().drop(1006)
    expect(h.client.getState()).toBe('reconnecting')
    vi.advanceTimersByTime(BACKOFF_BASE_MS)
    expect(h.sockets).toHaveLength(2)
    h.last().open()
    expect(h.last().ofType('subscribe')).toEqual([expect.objectContaining({ topic: 'thread:a', since: 12 })])
    // the server replays 12 (overlap) and 13, then live 14
    h.last().receive([ev('thread:a', 12), ev('thread:a', 13)])
    h.last().receive({ type: 'subscribed', id: 'c1', topic: 'thread:a', head: 13 })
    h.last().receive(ev('thread:a', 14))
    expect(got).toEqual([11, 12, 13, 14])
  })

  it('takes the head of a live-only subscription so that a resume has a since', () => {
    const h = setup()
    h.client.subscribe('forum', null, { onEvent: () => {} })
    h.client.start()
    h.last().open()
    h.last().receive({ type: 'subscribed', id: 'c1', topic: 'forum', head: 42 })
    h.last().drop()
    vi.advanceTimersByTime(BACKOFF_BASE_MS)
    h.last().open()
    expect(h.last().ofType('subscribe')[0]).toMatchObject({ topic: 'forum', since: 42 })
  })

  it('backs off exponentially while connections fail, at most 4 s while visible, and resets after success', () => {
    const h = setup({ random: () => 0.999 })
    h.client.start()
    const delays = [499, 999, 1998, 3996, 3996, 3996, 3996]
    for (const d of delays) {
      h.last().drop()
      const before = h.sockets.length
      vi.advanceTimersByTime(d - 1)
      expect(h.sockets.length).toBe(before)
      vi.advanceTimersByTime(1)
      expect(h.sockets.length).toBe(before + 1)
    }
    expect(h.onConnectFailures).toHaveBeenCalled()
    h.last().open()
    h.last().drop()
    const before = h.sockets.length
    vi.advanceTimersByTime(499)
    expect(h.sockets.length).toBe(before + 1)
  })

  it('waits up to 30 s while the tab is hidden', () => {
    const h = setup({ random: () => 0.999, visible: false })
    h.client.start()
    const delays = [499, 999, 1998, 3996, 7992, 15984, 29970, 29970]
    for (const d of delays) {
      h.last().drop()
      const before = h.sockets.length
      vi.advanceTimersByTime(d - 1)
      expect(h.sockets.length, `wait ${d}`).toBe(before)
      vi.advanceTimersByTime(1)
      expect(h.sockets.length, `wait ${d}`).toBe(before + 1)
    }
  })

  it('jitters each wait uniformly in [0, cap] (visible cap 4 s)', () => {
    // attempt n waits floor(r · min(4 s, 0.5 s · 2^n)) for the random value r.
    const cases = [
      { r: 0, attempts: 6, want: [0, 0, 0, 0, 0, 0] },
      { r: 0.25, attempts: 6, want: [125, 250, 500, 1000, 1000, 1000] },
      { r: 0.5, attempts: 6, want: [250, 500, 1000, 2000, 2000, 2000] },
      { r: 0.999, attempts: 6, want: [499, 999, 1998, 3996, 3996, 3996] },
    ]
    for (const c of cases) {
      const h = setup({ random: () => c.r })
      h.client.start()
      for (let n = 0; n < c.attempts; n++) {
        h.last().drop()
        const before = h.sockets.length
        if (c.want[n] > 0) {
          vi.advanceTimersByTime(c.want[n] - 1)
          expect(h.sockets.length, `r=${c.r} attempt ${n}: connected before ${c.want[n]} ms`).toBe(before)
        }
        vi.advanceTimersByTime(c.want[n] > 0 ? 1 : 0)
        expect(h.sockets.length, `r=${c.r} attempt ${n}: not connected at ${c.want[n]} ms`).toBe(before + 1)
      }
      h.client.stop()
      vi.useRealTimers()
    }
  })

  it('retries at once when the tab becomes visible, instead of waiting out a hidden backoff', () => {
    const h = setup({ random: () => 0.999, visible: false })
    h.client.start()
    for (let i = 0; i < 7; i++) {
      h.last().drop()
      vi.runOnlyPendingTimers()
    }
    h.last().drop() // the next wait is ~30 s
    const before = h.sockets.length
    vi.advanceTimersByTime(10_000)
    expect(h.sockets.length).toBe(before)
    h.setVisible(true)
    expect(h.sockets.length).toBe(before + 1)
    // Visible now: the next failure waits at most the first step, then never more than 4 s.
    h.last().drop()
    vi.advanceTimersByTime(BACKOFF_BASE_MS)
    expect(h.sockets.length).toBe(before + 2)
    for (let i = 0; i < 5; i++) {
      h.last().drop()
      vi.advanceTimersByTime(BACKOFF_MAX_VISIBLE_MS)
      expect(h.sockets.length).toBe(before + 3 + i)
    }
  })

  it('retries at once when the browser says it is online, even during a backoff wait', () => {
    const h = setup({ random: () => 0.999 })
    h.client.start()
    for (let i = 0; i < 4; i++) {
      h.last().drop()
      vi.runOnlyPendingTimers()
    }
    h.last().drop() // waits ~4 s
    const before = h.sockets.length
    h.setOnline(true)
    expect(h.sockets.length).toBe(before + 1)
    h.last().open()
    expect(h.client.getState()).toBe('connected')
    // The superseded backoff timer does not open a second socket.
    vi.advanceTimersByTime(BACKOFF_MAX_VISIBLE_MS * 2)
    expect(h.sockets.length).toBe(before + 1)
  })

  it('pings at once when shown again or back online with an open socket', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    h.setVisible(true)
    expect(h.last().ofType('ping')).toHaveLength(1)
    h.setOnline(true)
    expect(h.last().ofType('ping')).toHaveLength(2)
    expect(h.sockets).toHaveLength(1)
  })

  it('queues outgoing messages while offline and flushes them on open', async () => {
    const h = setup({ online: false })
    h.client.start()
    expect(h.client.getState()).toBe('offline')
    expect(h.sockets).toHaveLength(0)
    const p = h.client.publish('room:1', 'typing', { on: true })
    expect(h.client.queued).toBe(1)
    h.setOnline(true)
    expect(h.sockets).toHaveLength(1)
    h.last().open()
    expect(h.client.queued).toBe(0)
    const pub = h.last().ofType('publish')
    expect(pub).toEqual([expect.objectContaining({ topic: 'room:1', event: 'typing', data: { on: true } })])
    h.last().receive({ type: 'ack', id: pub[0].id })
    await expect(p).resolves.toBeUndefined()
  })

  it('shows offline when the browser goes offline and reconnects at once when back', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    h.setOnline(false)
    expect(h.client.getState()).toBe('offline')
    h.last().drop()
    expect(h.client.getState()).toBe('offline')
    vi.advanceTimersByTime(60_000)
    expect(h.sockets).toHaveLength(1) // no attempts while offline
    h.setOnline(true)
    expect(h.sockets).toHaveLength(2)
    h.last().open()
    expect(h.client.getState()).toBe('connected')
  })

  it('treats two unanswered pings as a dead connection', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    vi.advanceTimersByTime(HEARTBEAT_MS)
    expect(h.last().ofType('ping')).toHaveLength(1)
    h.last().receive({ type: 'pong', id: h.last().ofType('ping')[0].id })
    vi.advanceTimersByTime(HEARTBEAT_MS * 2)
    expect(h.last().ofType('ping')).toHaveLength(3)
    expect(h.sockets).toHaveLength(1)
    vi.advanceTimersByTime(HEARTBEAT_MS) // third tick: two pongs missing
    expect(h.sockets[0].closed).not.toBeNull()
    expect(h.client.getState()).toBe('reconnecting')
    vi.advanceTimersByTime(BACKOFF_BASE_MS)
    expect(h.sockets).toHaveLength(2)
  })

  it('on reset refetches, holds live events until the refetch, then resubscribes with since: head', async () => {
    const h = setup()
    const got: number[] = []
    let resolveRefetch: (seq: number) => void = () => {}
    const onReset = vi.fn(() => new Promise<number>((r) => (resolveRefetch = r)))
    h.client.subscribe('thread:a', 5, { onEvent: (e: RealtimeEvent) => got.push(e.seq), onReset })
    h.client.start()
    h.last().open()
    h.last().receive({ type: 'reset', topic: 'thread:a', head: 2000 })
    expect(onReset).toHaveBeenCalledWith(2000)
    const subs = h.last().ofType('subscribe')
    expect(subs[subs.length - 1]).toMatchObject({ topic: 'thread:a', since: 2000 })
    h.last().receive([ev('thread:a', 2001), ev('thread:a', 2002)])
    expect(got).toEqual([])
    resolveRefetch(2001) // the refetched view already has 2001
    await Promise.resolve()
    await Promise.resolve()
    expect(got).toEqual([2002])
    h.last().receive(ev('thread:a', 2003))
    expect(got).toEqual([2002, 2003])
  })

  it('stops reconnecting and refreshes the session on close 4001', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    h.last().drop(4001)
    expect(h.onSessionEnded).toHaveBeenCalledOnce()
    vi.advanceTimersByTime(120_000)
    expect(h.sockets).toHaveLength(1)
    expect(h.client.getState()).toBe('offline')
  })

  it('unsubscribes from the server when the last listener leaves', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    const off1 = h.client.subscribe('thread:a', 1, { onEvent: () => {} })
    const off2 = h.client.subscribe('thread:a', 1, { onEvent: () => {} })
    expect(h.last().ofType('subscribe')).toHaveLength(1)
    off1()
    expect(h.last().ofType('unsubscribe')).toHaveLength(0)
    off2()
    expect(h.last().ofType('unsubscribe')).toEqual([expect.objectContaining({ topic: 'thread:a' })])
  })

  it('tells the listeners when the server ends a subscription (access revoked), not when it answers an unsubscribe', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    const errs: string[] = []
    h.client.subscribe('room:x', 0, { onEvent: () => {}, onError: (code) => errs.push('x ' + code) })
    h.client.subscribe('room:y', 0, { onEvent: () => {}, onError: (code) => errs.push('y ' + code) })
    h.last().receive({ type: 'presence', topic: 'room:x', count: 2 })
    h.last().receive({ type: 'unsubscribed', topic: 'room:y', id: '9' })
    h.last().receive({ type: 'unsubscribed', topic: 'room:x', code: 'forbidden' })
    expect(errs).toEqual(['x forbidden'])
    const later: number[] = []
    h.client.subscribe('room:x', 0, { onEvent: () => {}, onPresence: (p) => later.push(p.count) })
    expect(later).toEqual([]) // the presence of a topic we were put out of is not replayed
  })

  it('gives presence frames to the listeners of the topic, and the last one to later listeners', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    const a: number[] = []
    const b: (string[] | undefined)[] = []
    h.client.subscribe('room:x', 0, { onEvent: () => {}, onPresence: (p) => a.push(p.count) })
    h.last().receive({ type: 'presence', topic: 'room:x', count: 2, users: [{ id: 'u', name: 'U' }, { id: 'v', name: 'V' }] })
    h.last().receive({ type: 'presence', topic: 'room:y', count: 9 })
    h.last().receive({ type: 'presence', topic: 'room:x', count: 'x' })
    expect(a).toEqual([2])
    h.client.subscribe('room:x', 0, { onEvent: () => {}, onPresence: (p) => b.push(p.users?.map((u) => u.id)) })
    expect(b).toEqual([['u', 'v']])
    h.last().receive({ type: 'presence', topic: 'room:x', count: 1 })
    expect(a).toEqual([2, 1])
    expect(b).toEqual([['u', 'v'], undefined])
  })

  it('subscribes quietly while every listener is quiet, and again when that changes', () => {
    const h = setup()
    h.client.start()
    h.last().open()
    const subs = () => h.last().ofType('subscribe').map((m) => [m.topic, m.quiet ?? false, m.since ?? null])
    const offList = h.client.subscribe('room:x', null, { onEvent: () => {} }, { quiet: true })
    h.last().receive({ type: 'subscribed', topic: 'room:x', head: 4 })
    expect(subs()).toEqual([['room:x', true, null]])
    const offRoom = h.client.subscribe('room:x', 4, { onEvent: () => {} })
    expect(subs()).toEqual([
      ['room:x', true, null],
      ['room:x', false, 4],
    ])
    offRoom()
    expect(subs()).toEqual([
      ['room:x', true, null],
      ['room:x', false, 4],
      ['room:x', true, 4],
    ])
    offList()
    expect(h.last().ofType('unsubscribe')).toHaveLength(1)
    // After a reconnect, a quiet topic is subscribed quietly again.
    h.client.subscribe('room:y', 1, { onEvent: () => {} }, { quiet: true })
    h.last().drop()
    vi.advanceTimersByTime(5000)
    h.last().open()
    expect(subs()).toEqual([['room:y', true, 1]])
  })
})
