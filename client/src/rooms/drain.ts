// Sending what waits in the outboxes of rooms that are not on screen: a
// message written in a room the author then left still goes when the
// connection returns (the room's page drains its own outbox; see useOutbox).
import { realtime } from '../realtime/socket'
import { roomsApi, type Message, type SendBody } from './api'
import { applyResult, classify, loadOutbox, markSending, nextToSend, saveOutbox, wakeAll, type OutboxItem, type SendResult } from './outbox'

/** Rooms whose page is open: their page sends their outbox. */
export const openRooms = new Set<string>()

/**
 * Sends the queue's items in order, one at a time, until it is empty or an
 * item must wait (no connection, slow mode); returns the queue left. save is
 * called after each change so a reload never loses or resends more than one.
 */
export async function drainQueue(
  items: OutboxItem[],
  send: (it: OutboxItem) => Promise<Message>,
  now: () => number,
  save: (q: OutboxItem[]) => void = () => undefined,
): Promise<OutboxItem[]> {
  let q = items
  for (;;) {
    const next = nextToSend(q, now())
    if (!next) return q
    q = markSending(q, next.client_id)
    save(q)
    let r: SendResult
    try {
      r = { kind: 'stored', message: await send(next) }
    } catch (e) {
      r = classify(e)
    }
    q = applyResult(q, next.client_id, r, now())
    save(q)
    if (r.kind === 'network' || r.kind === 'wait') return q
  }
}

function sendItem(it: OutboxItem): Promise<Message> {
  const body: SendBody = { client_id: it.client_id, body: it.body }
  if (it.reply_to) body.reply_to = it.reply_to
  if (it.attachment_ids?.length) body.attachment_ids = it.attachment_ids
  return roomsApi.send(it.room_id, body)
}

/** The rooms with an outbox in this browser for the user. */
export function outboxRooms(userId: string): string[] {
  const prefix = `tavolo.outbox.${userId}.`
  const out: string[] = []
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i)
      if (k?.startsWith(prefix)) out.push(k.slice(prefix.length))
    }
  } catch {
    /* no storage: nothing kept */
  }
  return out
}

let running = false

/** Drains every closed room's outbox once (the connection came back, the app started). */
export async function drainClosedRooms(userId: string) {
  if (running || !userId || !navigator.onLine) return
  running = true
  try {
    for (const roomId of outboxRooms(userId)) {
      if (openRooms.has(roomId)) continue
      const q = wakeAll(loadOutbox(userId, roomId))
      await drainQueue(q, sendItem, Date.now, (nq) => {
        if (!openRooms.has(roomId)) saveOutbox(userId, roomId, nq)
      })
    }
  } finally {
    running = false
  }
}

/** Starts draining for a logged-in user: now, on `online`, on each reconnect. Returns the stop function. */
export function startDrain(userId: string): () => void {
  const run = () => void drainClosedRooms(userId).catch(() => undefined)
  run()
  let was = realtime.getState()
  const off = realtime.subscribeState(() => {
    const s = realtime.getState()
    if (s === 'connected' && was !== 'connected') run()
    was = s
  })
  window.addEventListener('online', run)
  return () => {
    off()
    window.removeEventListener('online', run)
  }
}
