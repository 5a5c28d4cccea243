// The outbox: messages written but not yet stored by the server (pure; see
// outbox.test.ts). Each has a client_id made once, so sending it again after
// any failure never duplicates it (the server answers 200 with the stored
// message). Items are sent in order, one at a time; a refused one (4xx)
// waits for the author's Retry or Discard and does not hold back the rest.
import type { Message, SendBody } from './api'

export type OutboxState = 'pending' | 'sending' | 'failed'

export interface OutboxItem extends SendBody {
  room_id: string
  state: OutboxState
  /** When it was written (ms), to show and to order. */
  created: number
  /** Not before this time (ms): slow mode, rate limit or a retry's backoff. */
  not_before?: number
  /** Network failures in a row (the retry's backoff). */
  attempts?: number
  /** failed: the server's code and message. */
  code?: string
  reason?: string
  /** A reply: what it answers, shown while it waits. */
  reply_excerpt?: string
}

export type SendResult =
  | { kind: 'stored'; message: Message }
  | { kind: 'network' }
  | { kind: 'wait'; seconds: number; code: string }
  | { kind: 'refused'; code: string; reason: string }

export const RETRY_BASE_MS = 1000
export const RETRY_MAX_MS = 30_000

export function newItem(roomId: string, clientId: string, body: string, now: number, extra: Partial<Pick<OutboxItem, 'reply_to' | 'attachment_ids' | 'reply_excerpt'>> = {}): OutboxItem {
  const it: OutboxItem = { room_id: roomId, client_id: clientId, body, state: 'pending', created: now }
  if (extra.reply_to) it.reply_to = extra.reply_to
  if (extra.attachment_ids?.length) it.attachment_ids = extra.attachment_ids
  if (extra.reply_excerpt) it.reply_excerpt = extra.reply_excerpt
  return it
}

/** The item to send now, if any: the oldest pending one, unless one is already on its way or must wait. */
export function nextToSend(items: OutboxItem[], now: number): OutboxItem | null {
  if (items.some((x) => x.state === 'sending')) return null
  const first = items.find((x) => x.state === 'pending')
  if (!first) return null
  return (first.not_before ?? 0) <= now ? first : null
}

/** When the head of the queue may go (ms), or null when nothing waits on time. */
export function wakeAt(items: OutboxItem[]): number | null {
  const first = items.find((x) => x.state === 'pending')
  return first?.not_before ?? null
}

function update(items: OutboxItem[], clientId: string, f: (x: OutboxItem) => OutboxItem | null): OutboxItem[] {
  const out: OutboxItem[] = []
  for (const x of items) {
    if (x.client_id !== clientId) out.push(x)
    else {
      const y = f(x)
      if (y) out.push(y)
    }
  }
  return out
}

export function markSending(items: OutboxItem[], clientId: string): OutboxItem[] {
  return update(items, clientId, (x) => ({ ...x, state: 'sending' }))
}

/** The outbox after the server's answer to one send. */
export function applyResult(items: OutboxItem[], clientId: string, r: SendResult, now: number): OutboxItem[] {
  return update(items, clientId, (x) => {
    switch (r.kind) {
      case 'stored':
        return null
      case 'network': {
        const attempts = (x.attempts ?? 0) + 1
        const wait = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 10))
        return { ...x, state: 'pending', attempts, not_before: now + wait }
      }
      case 'wait':
        return { ...x, state: 'pending', not_before: now + r.seconds * 1000, code: r.code }
      case 'refused':
        return { ...x, state: 'failed', code: r.code, reason: r.reason, not_before: undefined }
    }
  })
}

/** Send the waiting items now (the connection came back). */
export function wakeAll(items: OutboxItem[]): OutboxItem[] {
  return items.map((x) => (x.state === 'pending' && x.code === undefined && x.not_before !== undefined ? { ...x, not_before: undefined } : x))
}

/** The author's Retry: back in the queue, keeping its client_id and its place. */
export function retry(items: OutboxItem[], clientId: string): OutboxItem[] {
  return update(items, clientId, (x) => ({ ...x, state: 'pending', code: undefined, reason: undefined, not_before: undefined, attempts: 0 }))
}

export function discard(items: OutboxItem[], clientId: string): OutboxItem[] {
  return update(items, clientId, () => null)
}

/** Drops the items the conversation already holds (stored, though the answer was lost): matched by client_id and author. */
export function reconcile(items: OutboxItem[], messages: Message[], myId: string): OutboxItem[] {
  if (items.length === 0) return items
  const stored = new Set(messages.filter((m) => m.author?.id === myId && m.client_id).map((m) => m.client_id))
  const out = items.filter((x) => !stored.has(x.client_id))
  return out.length === items.length ? items : out
}

/** What the server's answer (or its absence) means for the outbox. */
export function classify(err: unknown): SendResult {
  const e = err as { status?: number; code?: string; message?: string; retryAfter?: number; fields?: Record<string, string> }
  const status = typeof e?.status === 'number' ? e.status : 0
  if (status === 0 || status >= 500 || status === 408) return { kind: 'network' }
  if (status === 429) return { kind: 'wait', seconds: Math.max(1, Math.ceil(e.retryAfter ?? 1)), code: e.code ?? 'rate_limited' }
  return { kind: 'refused', code: e.code ?? 'http_' + status, reason: e.message ?? '' }
}

// ---- storage: one list per user and room, in this browser ------------------

const PREFIX = 'tavolo.outbox.'

export function storageKey(userId: string, roomId: string): string {
  return `${PREFIX}${userId}.${roomId}`
}

/** The stored list; an item caught mid-send by a reload goes back to pending (its client_id makes the resend safe). */
export function parseStored(raw: string | null): OutboxItem[] {
  if (!raw) return []
  try {
    const v = JSON.parse(raw) as unknown
    if (!Array.isArray(v)) return []
    return v
      .filter((x): x is OutboxItem => !!x && typeof x === 'object' && typeof x.client_id === 'string' && typeof x.body === 'string' && typeof x.room_id === 'string')
      .map((x) => (x.state === 'sending' ? { ...x, state: 'pending' as const } : x))
  } catch {
    return []
  }
}

export function loadOutbox(userId: string, roomId: string): OutboxItem[] {
  try {
    return parseStored(localStorage.getItem(storageKey(userId, roomId)))
  } catch {
    return []
  }
}

export function saveOutbox(userId: string, roomId: string, items: OutboxItem[]) {
  try {
    if (items.length) localStorage.setItem(storageKey(userId, roomId), JSON.stringify(items))
    else localStorage.removeItem(storageKey(userId, roomId))
  } catch {
    /* private mode or full: the outbox still lives in this page */
  }
}
