import { describe, expect, it } from 'vitest'
import { applyListEvent, applyRead, totalUnread } from './unread'
import { msg, room } from './testdata'

describe('applyListEvent', () => {
  const base = [room('a', { head: 10 }, { read_seq: 8, unread: 2 }), room('b', { head: 3 }, { read_seq: 3, unread: 0 })]
  const cases: { name: string; roomId: string; event: string; data: unknown; want: [number, number]; refresh?: boolean }[] = [
    { name: 'another author counts', roomId: 'a', event: 'message.created', data: msg(11), want: [11, 3] },
    { name: 'my own message does not', roomId: 'a', event: 'message.created', data: msg(11, { author: { id: 'me', name: 'Me', administration_id: '', administration_name: '' } }), want: [11, 2] },
    { name: 'a replayed message (seq <= head) counts once', roomId: 'a', event: 'message.created', data: msg(10), want: [10, 2] },
    { name: 'unknown room', roomId: 'z', event: 'message.created', data: msg(11), want: [10, 2] },
    { name: 'an edit changes nothing', roomId: 'a', event: 'message.updated', data: msg(9), want: [10, 2] },
    { name: 'an unread deletion asks the server', roomId: 'a', event: 'message.updated', data: msg(9, { deleted: true }), want: [10, 2], refresh: true },
    { name: 'a read deletion does not', roomId: 'a', event: 'message.updated', data: msg(7, { deleted: true }), want: [10, 2] },
    { name: 'room.updated keeps me', roomId: 'a', event: 'room.updated', data: room('a', { head: 10, name: 'X' }, { unread: 99 }), want: [10, 2] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = applyListEvent(base, c.roomId, c.event, c.data, 'me')
      expect([got.rooms[0].head, got.rooms[0].me.unread]).toEqual(c.want)
      expect(got.refresh).toBe(!!c.refresh)
    })
  }

  it('follows a simple model over a sequence of events', () => {
    // model: unread = messages by others with seq > read_seq
    let rooms = [room('a')]
    const model: { seq: number; mine: boolean }[] = []
    let readSeq = 0
    let seq = 0
    const rnd = mulberry(7)
    for (let step = 0; step < 2000; step++) {
      const x = rnd()
      if (x < 0.6) {
        seq++
        const mine = rnd() < 0.3
        model.push({ seq, mine })
        const m = msg(seq, mine ? { author: { id: 'me', name: 'Me', administration_id: '', administration_name: '' } } : {})
        rooms = applyListEvent(rooms, 'a', 'message.created', m, 'me').rooms
        if (rnd() < 0.2) rooms = applyListEvent(rooms, 'a', 'message.created', m, 'me').rooms // replayed
      } else if (x < 0.8 && seq > 0) {
        const to = Math.max(readSeq, Math.floor(rnd() * (seq + 1)))
        readSeq = to
        const unread = model.filter((m) => !m.mine && m.seq > readSeq).length
        rooms = applyRead(rooms, { room_id: 'a', read_seq: to, unread })
        if (rnd() < 0.3) rooms = applyRead(rooms, { room_id: 'a', read_seq: Math.max(0, to - 3), unread: 42 }) // a late, older read
      }
      const want = model.filter((m) => !m.mine && m.seq > readSeq).length
      expect(rooms[0].me.unread).toBe(want)
    }
  })
})

describe('applyRead', () => {
  const base = [room('a', {}, { read_seq: 5, unread: 3 })]
  const cases: { name: string; ev: { room_id: string; read_seq: number; unread: number }; want: [number, number] }[] = [
    { name: 'moves forward', ev: { room_id: 'a', read_seq: 8, unread: 0 }, want: [8, 0] },
    { name: 'never backwards', ev: { room_id: 'a', read_seq: 4, unread: 7 }, want: [5, 3] },
    { name: 'same position, new count', ev: { room_id: 'a', read_seq: 5, unread: 2 }, want: [5, 2] },
    { name: 'another room', ev: { room_id: 'b', read_seq: 9, unread: 0 }, want: [5, 3] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const r = applyRead(base, c.ev)[0]
      expect([r.me.read_seq, r.me.unread]).toEqual(c.want)
    })
  }
  it('totalUnread skips archived rooms', () => {
    expect(totalUnread([room('a', {}, { unread: 2 }), room('b', { archived: true }, { unread: 5 }), room('c', {}, { unread: 1 })])).toBe(3)
  })
})

function mulberry(a: number) {
  return () => {
    a |= 0
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
