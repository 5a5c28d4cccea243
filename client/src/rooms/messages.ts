// The conversation as the client holds it: messages ascending by seq, each
// seq once, whatever order pages, answers and live events arrive in (pure;
// see messages.test.ts).
import type { Message, Room } from './api'

export interface Conversation {
  messages: Message[]
  /** Older messages exist above the first one held. */
  hasOlder: boolean
}

/**
 * list with incoming merged in: ascending by seq, one message per seq; for
 * a seq held twice the later version wins unless it is older (edits,
 * deletions and reactions arrive as whole messages, so an answer that left
 * the server before an event must not undo it: a deleted message stays
 * deleted, an edited one keeps its newer edited_at).
 */
export function mergeMessages(list: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return list
  const bySeq = new Map<number, Message>()
  for (const m of list) bySeq.set(m.seq, m)
  for (const m of incoming) {
    if (!m || typeof m.seq !== 'number') continue
    const old = bySeq.get(m.seq)
    bySeq.set(m.seq, old ? newer(old, m) : m)
  }
  for (const [seq, m] of bySeq) {
    const p = withPreview(m, bySeq)
    if (p !== m) bySeq.set(seq, p)
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq)
}

/** Characters of a reply's preview of the message it answers (the server's excerptChars). */
const EXCERPT_CHARS = 140

/**
 * m with the preview of the message it answers filled in from the one held,
 * when the server left it out: in a since_join room only a page, which
 * knows its reader, previews it (the message may be from before the reader
 * joined); an event or an answer gives its seq alone. What is held, the
 * reader may read.
 */
function withPreview(m: Message, bySeq: Map<number, Message>): Message {
  const rt = m.reply_to
  if (!rt || rt.author_name || rt.deleted) return m
  const p = bySeq.get(rt.seq)
  if (!p) return m
  const body = [...(p.body ?? '')]
  const excerpt = p.deleted || p.hidden ? '' : body.length <= EXCERPT_CHARS ? p.body : body.slice(0, EXCERPT_CHARS - 1).join('') + '…'
  return { ...m, reply_to: { ...rt, author_name: p.author.name, deleted: !!p.deleted, excerpt } }
}

function newer(old: Message, m: Message): Message {
  if (old.deleted && !m.deleted) return old
  if ((old.edited_at ?? '') > (m.edited_at ?? '')) return old
  return m
}

/** The seq of the newest message held (0 when none). */
export function lastSeq(list: Message[]): number {
  return list.length ? list[list.length - 1].seq : 0
}

export type RoomEventOutcome =
  | { kind: 'created'; message: Message; fresh: boolean }
  | { kind: 'updated'; message: Message }
  | { kind: 'room'; room: Room }
  | { kind: 'none' }

/** Applies one room:<id> event to the conversation. */
export function applyRoomEvent(c: Conversation, event: string, data: unknown): [Conversation, RoomEventOutcome] {
  if (event === 'room.updated') {
    const r = data as Room
    return r && typeof r.id === 'string' ? [c, { kind: 'room', room: r }] : [c, { kind: 'none' }]
  }
  const m = data as Message
  if (!m || typeof m.seq !== 'number') return [c, { kind: 'none' }]
  if (event === 'message.created') {
    const fresh = !c.messages.some((x) => x.seq === m.seq)
    return [{ ...c, messages: mergeMessages(c.messages, [m]) }, { kind: 'created', message: m, fresh }]
  }
  if (event === 'message.updated') {
    // Updates of messages above the loaded history are left for when they load.
    const old = c.messages.find((x) => x.seq === m.seq)
    if (!old) return [c, { kind: 'none' }]
    const nm = keepMine(old, m)
    return [{ ...c, messages: mergeMessages(c.messages, [nm]) }, { kind: 'updated', message: nm }]
  }
  return [c, { kind: 'none' }]
}

/**
 * An event is the same for every reader, so its reactions' mine is not
 * this reader's: keep what this reader's own answers said.
 */
export function keepMine(old: Message, m: Message): Message {
  const mine = new Set((old.reactions ?? []).filter((r) => r.mine).map((r) => r.emoji))
  return { ...m, reactions: (m.reactions ?? []).map((r) => ({ ...r, mine: mine.has(r.emoji) })) }
}

/** A room.updated event over the room held: the event is the same for every reader, so me stays ours. */
export function mergeRoom(old: Room, r: Room): Room {
  return { ...old, ...r, me: old.me }
}

/** The edit window of the forum's posts (the server is the authority; this only hides the button). */
export const EDIT_WINDOW_MS = 24 * 3600 * 1000

/** Whether to offer Edit: one's own message, not deleted, within the window. */
export function canEdit(m: Message, userId: string, now: number): boolean {
  return !m.deleted && m.author.id === userId && now - Date.parse(m.created_at) < EDIT_WINDOW_MS
}
