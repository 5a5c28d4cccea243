// Live unread counts of the room list (ROOMS.md): the server's number is
// the truth on load and reconnect; between loads, each message.created by
// someone else beyond both the room's known head and the read position adds
// one, and room.read (any tab or device of the user) sets it (pure; see
// unread.test.ts).
import type { Message, Room } from './api'

/** The room list after one event on room:<roomId>; refresh: ask the server (a deletion may change the count). */
export function applyListEvent(rooms: Room[], roomId: string, event: string, data: unknown, myId: string): { rooms: Room[]; refresh: boolean } {
  const i = rooms.findIndex((r) => r.id === roomId)
  if (i < 0) return { rooms, refresh: false }
  const r = rooms[i]
  const put = (nr: Room) => {
    const out = rooms.slice()
    out[i] = nr
    return out
  }
  if (event === 'message.created') {
    const m = data as Message
    if (!m || typeof m.seq !== 'number' || m.seq <= r.head) return { rooms, refresh: false }
    const counts = m.author?.id !== myId && m.seq > r.me.read_seq && !m.deleted
    return { rooms: put({ ...r, head: m.seq, me: { ...r.me, unread: r.me.unread + (counts ? 1 : 0) } }), refresh: false }
  }
  if (event === 'message.updated') {
    const m = data as Message
    const unreadChanged = !!m && m.deleted && m.seq > r.me.read_seq && m.author?.id !== myId
    return { rooms, refresh: unreadChanged }
  }
  if (event === 'room.updated') {
    const nr = data as Room
    if (!nr || nr.id !== roomId) return { rooms, refresh: false }
    return { rooms: put({ ...r, ...nr, head: Math.max(r.head, nr.head ?? 0), me: r.me }), refresh: false }
  }
  return { rooms, refresh: false }
}

export interface ReadEvent {
  room_id: string
  read_seq: number
  unread: number
}

/** A room.read event (user:<id>): the read position never moves backwards. */
export function applyRead(rooms: Room[], ev: ReadEvent): Room[] {
  if (!ev || typeof ev.room_id !== 'string' || typeof ev.read_seq !== 'number') return rooms
  return rooms.map((r) =>
    r.id === ev.room_id && ev.read_seq >= r.me.read_seq ? { ...r, me: { ...r.me, read_seq: ev.read_seq, unread: Math.max(0, ev.unread) } } : r,
  )
}

/** The sum shown beside the navigation entry. */
export function totalUnread(rooms: Room[]): number {
  return rooms.reduce((n, r) => n + (r.archived ? 0 : r.me.unread), 0)
}
