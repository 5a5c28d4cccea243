// The outbox's engine: keeps the queue (outbox.ts) in this browser's
// storage, sends its head over HTTP one at a time, and wakes it when the
// connection returns (the browser's online event, the socket reconnecting)
// or when a wait (slow mode, backoff) is over.
import { useCallback, useEffect, useRef, useState } from 'react'
import { realtime } from '../realtime/socket'
import { roomsApi, type Message } from './api'
import { openRooms } from './drain'
import {
  applyResult,
  classify,
  discard as discardItem,
  loadOutbox,
  markSending,
  newItem,
  nextToSend,
  parseStored,
  reconcile,
  retry as retryItem,
  saveOutbox,
  storageKey,
  wakeAll,
  wakeAt,
  type OutboxItem,
  type SendResult,
} from './outbox'

export interface Outbox {
  items: OutboxItem[]
  /** Queues a message (shown at once as pending) and sends it when it can. */
  add: (body: string, extra?: { reply_to?: number; reply_excerpt?: string; attachment_ids?: string[] }) => void
  retry: (clientId: string) => void
  discard: (clientId: string) => void
  /** Drops what the conversation already holds (a stored message whose answer was lost). */
  reconcileWith: (messages: Message[]) => void
}

/** paused: nothing is sent (the reader lost access to the room): the items stay, pending, in this browser. */
export function useOutbox(roomId: string, userId: string, onStored: (m: Message) => void, onRefused?: (code: string, reason: string) => void, paused = false): Outbox {
  const [items, setItems] = useState<OutboxItem[]>(() => loadOutbox(userId, roomId))
  const ref = useRef(items)
  const pausedRef = useRef(paused)
  pausedRef.current = paused
  const inFlight = useRef<string | null>(null)
  const onStoredRef = useRef(onStored)
  onStoredRef.current = onStored
  const onRefusedRef = useRef(onRefused)
  onRefusedRef.current = onRefused
  const timer = useRef<number | undefined>(undefined)

  const update = useCallback(
    (f: (q: OutboxItem[]) => OutboxItem[]) => {
      const n = f(ref.current)
      if (n === ref.current) return
      ref.current = n
      saveOutbox(userId, roomId, n)
      setItems(n)
    },
    [userId, roomId],
  )

  const pump = useCallback(async () => {
    if (inFlight.current || pausedRef.current) return
    window.clearTimeout(timer.current)
    const now = Date.now()
    const next = nextToSend(ref.current, now)
    if (!next) {
      const at = wakeAt(ref.current)
      if (at !== null && at > now) timer.current = window.setTimeout(() => void pumpRef.current(), at - now + 10)
      return
    }
    if (!navigator.onLine) return // the online event wakes the queue
    inFlight.current = next.client_id
    update((q) => markSending(q, next.client_id))
    let result: SendResult
    try {
      const body: Parameters<typeof roomsApi.send>[1] = { client_id: next.client_id, body: next.body }
      if (next.reply_to) body.reply_to = next.reply_to
      if (next.attachment_ids?.length) body.attachment_ids = next.attachment_ids
      const m = await roomsApi.send(roomId, body)
      result = { kind: 'stored', message: m }
      onStoredRef.current(m)
    } catch (e) {
      result = classify(e)
      if (result.kind === 'refused') onRefusedRef.current?.(result.code, result.reason)
    }
    inFlight.current = null
    update((q) => applyResult(q, next.client_id, result, Date.now()))
    void pumpRef.current()
  }, [roomId, update])
  const pumpRef = useRef(pump)
  pumpRef.current = pump

  // Another room or user: that outbox. While the page is open, it sends this room's (not drain.ts).
  useEffect(() => {
    openRooms.add(roomId)
    const q = loadOutbox(userId, roomId)
    ref.current = q
    setItems(q)
    void pumpRef.current()
    return () => {
      openRooms.delete(roomId)
      window.clearTimeout(timer.current)
    }
  }, [userId, roomId])

  // The connection is back: what waited for it goes now.
  useEffect(() => {
    const wake = () => {
      update(wakeAll)
      void pumpRef.current()
    }
    let was = realtime.getState()
    const offState = realtime.subscribeState(() => {
      const s = realtime.getState()
      if (s === 'connected' && was !== 'connected') wake()
      was = s
    })
    window.addEventListener('online', wake)
    // Another tab of this browser changed this outbox: follow it (a resend from both is harmless).
    const onStorage = (e: StorageEvent) => {
      if (e.key !== storageKey(userId, roomId)) return
      const q = parseStored(e.newValue).map((x) => (x.client_id === inFlight.current ? { ...x, state: 'sending' as const } : x))
      ref.current = q
      setItems(q)
      void pumpRef.current()
    }
    window.addEventListener('storage', onStorage)
    return () => {
      offState()
      window.removeEventListener('online', wake)
      window.removeEventListener('storage', onStorage)
    }
  }, [update, userId, roomId])

  const add = useCallback<Outbox['add']>(
    (body, extra = {}) => {
      update((q) => [...q, newItem(roomId, newClientId(), body, Date.now(), extra)])
      void pumpRef.current()
    },
    [roomId, update],
  )
  const retry = useCallback(
    (id: string) => {
      update((q) => retryItem(q, id))
      void pumpRef.current()
    },
    [update],
  )
  const discard = useCallback((id: string) => update((q) => discardItem(q, id)), [update])
  const reconcileWith = useCallback((messages: Message[]) => update((q) => reconcile(q, messages, userId)), [update, userId])

  return { items, add, retry, discard, reconcileWith }
}

/** A random id for a message being written (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
}
