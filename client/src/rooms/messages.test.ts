import { describe, expect, it } from 'vitest'
import { applyRoomEvent, canEdit, EDIT_WINDOW_MS, lastSeq, mergeMessages } from './messages'
import { msg, room } from './testdata'

const seqs = (l: { seq: number }[]) => l.map((m) => m.seq)

describe('mergeMessages', () => {
  const cases: { name: string; list: number[]; incoming: number[]; want: number[] }[] = [
    { name: 'appends newer', list: [1, 2], incoming: [3, 4], want: [1, 2, 3, 4] },
    { name: 'prepends an older page', list: [51, 52], incoming: [49, 50], want: [49, 50, 51, 52] },
    { name: 'drops duplicates', list: [1, 2, 3], incoming: [2, 3, 4], want: [1, 2, 3, 4] },
    { name: 'orders out-of-order arrivals', list: [5], incoming: [7, 6, 7, 1], want: [1, 5, 6, 7] },
    { name: 'fills a gap', list: [1, 4], incoming: [2, 3], want: [1, 2, 3, 4] },
    { name: 'empty incoming keeps the list', list: [1], incoming: [], want: [1] },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const got = mergeMessages(c.list.map((s) => msg(s)), c.incoming.map((s) => msg(s)))
      expect(seqs(got)).toEqual(c.want)
    })
  }

  it('a later version replaces, an older one does not undo an edit or a deletion', () => {
    const edited = msg(1, { body: 'new', edited_at: '2026-12-02T10:05:00Z' })
    const deleted = msg(2, { body: '', deleted: true })
    const list = [edited, deleted]
    const got = mergeMessages(list, [msg(1, { body: 'old' }), msg(2)])
    expect(got.map((m) => [m.body, m.deleted])).toEqual([
      ['new', false],
      ['', true],
    ])
    const reacted = msg(1, { body: 'new', edited_at: '2026-12-02T10:05:00Z', reactions: [{ emoji: '👍', count: 1, mine: false }] })
    expect(mergeMessages(list, [reacted])[0].reactions).toHaveLength(1)
  })

  it('fills the preview of the message answered from the one held, when the server left it out', () => {
    const long = 'x'.repeat(200)
    const held = [msg(1, { body: 'Prima', author: { ...msg(1).author, name: 'Anna' } }), msg(2, { body: long }), msg(3, { deleted: true, body: '' }), msg(4, { hidden: true, body: '' })]
    const seqOnly = (seq: number) => ({ seq, author_name: '', excerpt: '', deleted: false })
    const incoming = [msg(10, { reply_to: seqOnly(1) }), msg(11, { reply_to: seqOnly(2) }), msg(12, { reply_to: seqOnly(3) }), msg(13, { reply_to: seqOnly(4) }), msg(14, { reply_to: seqOnly(9) }),
      msg(15, { reply_to: { seq: 1, author_name: 'Dal server', excerpt: 'anteprima', deleted: false } })]
    const got = new Map(mergeMessages(held, incoming).map((m) => [m.seq, m.reply_to]))
    const cases: [number, string, string, boolean][] = [
      [10, 'Anna', 'Prima', false],
      [11, msg(2).author.name, 'x'.repeat(139) + '…', false],
      [12, msg(3).author.name, '', true],
      [13, msg(4).author.name, '', false],
      [14, '', '', false], // not held: the seq alone (from before the reader joined, or not loaded)
      [15, 'Dal server', 'anteprima', false], // the server's preview stands
    ]
    for (const [seq, name, excerpt, deleted] of cases) {
      expect([seq, got.get(seq)?.author_name, got.get(seq)?.excerpt, got.get(seq)?.deleted]).toEqual([seq, name, excerpt, deleted])
    }
  })

  it('lastSeq', () => {
    expect(lastSeq([])).toBe(0)
    expect(lastSeq([msg(3), msg(9)])).toBe(9)
  })
})

describe('applyRoomEvent', () => {
  const conv = { messages: [msg(1), msg(2)], hasOlder: false }
  const cases: { name: string; event: string; data: unknown; want: number[]; kind: string }[] = [
    { name: 'created appends', event: 'message.created', data: msg(3), want: [1, 2, 3], kind: 'created' },
    { name: 'created twice is one message', event: 'message.created', data: msg(2), want: [1, 2], kind: 'created' },
    { name: 'updated replaces', event: 'message.updated', data: msg(2, { deleted: true, body: '' }), want: [1, 2], kind: 'updated' },
    { name: 'update of an unloaded message is ignored', event: 'message.updated', data: msg(9), want: [1, 2], kind: 'none' },
    { name: 'room.updated', event: 'room.updated', data: room('r'), want: [1, 2], kind: 'room' },
    { name: 'junk', event: 'message.created', data: { nope: 1 }, want: [1, 2], kind: 'none' },
    { name: 'unknown event', event: 'thing', data: msg(5), want: [1, 2], kind: 'none' },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const [got, out] = applyRoomEvent(conv, c.event, c.data)
      expect(seqs(got.messages)).toEqual(c.want)
      expect(out.kind).toBe(c.kind)
    })
  }
  it('keeps this reader\'s reactions over an event', () => {
    const mine = { ...conv, messages: [msg(1, { reactions: [{ emoji: '👍', count: 1, mine: true }] })] }
    const ev = msg(1, { reactions: [{ emoji: '👍', count: 2, mine: false }, { emoji: '🎉', count: 1, mine: true }] })
    const [got] = applyRoomEvent(mine, 'message.updated', ev)
    expect(got.messages[0].reactions).toEqual([
      { emoji: '👍', count: 2, mine: true },
      { emoji: '🎉', count: 1, mine: false },
    ])
  })
  it('says whether a created message is new', () => {
    expect(applyRoomEvent(conv, 'message.created', msg(3))[1]).toMatchObject({ fresh: true })
    expect(applyRoomEvent(conv, 'message.created', msg(2))[1]).toMatchObject({ fresh: false })
  })
})

describe('canEdit', () => {
  const me = { id: 'me', name: 'Me', administration_id: '', administration_name: '' }
  const at = Date.parse('2026-12-02T10:00:00Z')
  const cases: { name: string; m: ReturnType<typeof msg>; now: number; want: boolean }[] = [
    { name: 'mine, just written', m: msg(1, { author: me }), now: at + 1000, want: true },
    { name: 'mine, window over', m: msg(1, { author: me }), now: at + EDIT_WINDOW_MS, want: false },
    { name: 'mine, deleted', m: msg(1, { author: me, deleted: true }), now: at, want: false },
    { name: 'someone else\'s', m: msg(1), now: at, want: false },
  ]
  for (const c of cases) it(c.name, () => expect(canEdit(c.m, 'me', c.now)).toBe(c.want))
})
