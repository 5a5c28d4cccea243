// A room on screen: the room, its conversation kept live on room:<id>,
// older pages on demand, and the catch-up after a reset or a reconnect
// (paged forward over HTTP until nothing is missing; see catchup.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ApiError } from '../api/client'
import { realtime, type PresenceFrame, type RealtimeEvent, type TransientEvent } from '../realtime/socket'
import { roomsApi, type Message, type Room } from './api'
import { catchUp, singleFlight } from './catchup'
import { applyRoomEvent, lastSeq, mergeMessages, mergeRoom, type Conversation } from './messages'
import { isRevocation } from './access'

export const PAGE_SIZE = 50
export const CATCHUP_PAGE = 100

export interface RoomView {
  room: Room | null
  conv: Conversation
  /** 'missing': not found or not allowed; 'error': could not load. */
  status: 'loading' | 'ready' | 'missing' | 'error'
  presence: PresenceFrame | null
  /** The server ended the live subscription: the reader lost access to the room while on it. */
  revoked: boolean
  loadingOlder: boolean
  /** Loads the page above; beforeMerge runs just before it goes in (to keep the reader's place). */
  loadOlder: (beforeMerge?: () => void) => Promise<number>
  /** Puts a message from an HTTP answer (a send, an edit) into the conversation. */
  put: (m: Message) => void
  /** Replaces the room, or changes the latest one (f applied to it, so no answer undoes a newer one). */
  setRoom: (r: Room | ((old: Room) => Room)) => void
}

export interface RoomEvents {
  /** Messages that arrived live or by catch-up, by others, new to this view. */
  onArrived?: (ms: Message[]) => void
  onTransient?: (ev: TransientEvent) => void
}

export function useRoom(roomId: string, events: RoomEvents): RoomView {
  const [room, setRoomState] = useState<Room | null>(null)
  const [conv, setConv] = useState<Conversation>({ messages: [], hasOlder: false })
  const [status, setStatus] = useState<RoomView['status']>('loading')
  const [seq, setSeq] = useState<number | null>(null)
  const [presence, setPresence] = useState<PresenceFrame | null>(null)
  const [revoked, setRevoked] = useState(false)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const convRef = useRef(conv)
  const eventsRef = useRef(events)
  eventsRef.current = events

  const commit = useCallback((f: (c: Conversation) => Conversation) => {
    const n = f(convRef.current)
    convRef.current = n
    setConv(n)
  }, [])

  /** Merges messages, telling onArrived about the ones new to this view. */
  const arrive = useCallback(
    (ms: Message[]) => {
      const held = new Set(convRef.current.messages.map((m) => m.seq))
      const fresh = ms.filter((m) => !held.has(m.seq))
      commit((c) => ({ ...c, messages: mergeMessages(c.messages, ms) }))
      if (fresh.length) eventsRef.current.onArrived?.(fresh)
    },
    [commit],
  )

  // Load: the room and its latest page; the page's seq is where live events start.
  useEffect(() => {
    let cancelled = false
    setStatus('loading')
    setSeq(null)
    setPresence(null)
    convRef.current = { messages: [], hasOlder: false }
    setConv(convRef.current)
    Promise.all([roomsApi.get(roomId), roomsApi.messages(roomId, { limit: PAGE_SIZE })]).then(
      ([r, p]) => {
        if (cancelled) return
        setRoomState(r)
        commit(() => ({ messages: mergeMessages([], p.messages), hasOlder: p.has_more }))
        setSeq(p.seq)
        setStatus('ready')
      },
      (e: unknown) => {
        if (cancelled) return
        setStatus(e instanceof ApiError && (e.status === 404 || e.status === 403) ? 'missing' : 'error')
      },
    )
    return () => {
      cancelled = true
    }
  }, [roomId, commit])

  // Catch-up: everything after the newest message held, page by page; one run at a time.
  const runCatchUp = useMemo(
    () =>
      singleFlight(async () => {
        const r = await catchUp((after) => roomsApi.messages(roomId, { after, limit: CATCHUP_PAGE }), lastSeq(convRef.current.messages), arrive)
        roomsApi.get(roomId).then(setRoomState, () => undefined)
        return r
      }),
    [roomId, arrive],
  )

  const ready = seq !== null
  const seqRef = useRef(seq)
  seqRef.current = seq
  useEffect(() => {
    if (!ready) return
    const topic = 'room:' + roomId
    const off = realtime.subscribe(topic, seqRef.current, {
      onEvent: (ev: RealtimeEvent) => {
        const [nc, out] = applyRoomEvent(convRef.current, ev.event, ev.data)
        if (out.kind === 'room') {
          setRoomState((old) => (old ? mergeRoom(old, out.room) : old))
          return
        }
        if (out.kind === 'created' && out.fresh) {
          convRef.current = nc
          setConv(nc)
          eventsRef.current.onArrived?.([out.message])
          return
        }
        if (nc !== convRef.current) {
          convRef.current = nc
          setConv(nc)
        }
      },
      onReset: async () => (await runCatchUp()).seq,
      onTransient: (ev) => eventsRef.current.onTransient?.(ev),
      onPresence: setPresence,
      onError: (code) => {
        if (!isRevocation(code)) return
        setRevoked(true)
        setPresence(null)
      },
    })
    // A reconnect: the socket replays what its window holds; the catch-up gets the rest over HTTP.
    let was = realtime.getState()
    const offState = realtime.subscribeState(() => {
      const s = realtime.getState()
      if (s === 'connected' && was !== 'connected') void runCatchUp().catch(() => undefined)
      if (s !== 'connected') setPresence(null)
      was = s
    })
    return () => {
      off()
      offState()
    }
  }, [ready, roomId, runCatchUp])

  const olderInFlight = useRef(false)
  const loadOlder = useCallback(async (beforeMerge?: () => void) => {
    const c = convRef.current
    if (!c.hasOlder || olderInFlight.current || c.messages.length === 0) return 0
    olderInFlight.current = true
    setLoadingOlder(true)
    try {
      const p = await roomsApi.messages(roomId, { before: c.messages[0].seq, limit: PAGE_SIZE })
      const before = convRef.current.messages.length
      if (p.messages.length) beforeMerge?.()
      commit((x) => ({ messages: mergeMessages(x.messages, p.messages), hasOlder: p.has_more }))
      return convRef.current.messages.length - before
    } finally {
      olderInFlight.current = false
      setLoadingOlder(false)
    }
  }, [roomId, commit])

  const put = useCallback((m: Message) => commit((c) => ({ ...c, messages: mergeMessages(c.messages, [m]) })), [commit])
  const setRoom = useCallback((r: Room | ((old: Room) => Room)) => setRoomState((old) => (typeof r === 'function' ? (old ? r(old) : old) : r)), [])

  return { room, conv, status, presence, revoked, loadingOlder, loadOlder, put, setRoom }
}
