// Small builders shared by the rooms' unit tests.
import type { Message, MessagePage, Room } from './api'

export const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  seq,
  id: 'm' + seq,
  room_id: 'r',
  client_id: 'c' + seq,
  author: { id: 'other', name: 'Anna', administration_id: 'a', administration_name: 'Comune' },
  body: 'text ' + seq,
  html: '<p>text ' + seq + '</p>',
  reply_count: 0,
  created_at: '2026-12-02T10:00:00Z',
  deleted: false,
  reactions: [],
  attachments: [],
  mentions: { users: [], administrations: [] },
  ...over,
})

export const room = (id: string, over: Partial<Room> = {}, me: Partial<Room['me']> = {}): Room => ({
  id,
  name: 'Stanza ' + id,
  description: '',
  kind: 'theme',
  access: 'open',
  administration_ids: [],
  history: 'full',
  presence: 'names',
  slow_mode_s: 0,
  archived: false,
  head: 0,
  created_at: '2026-12-02T10:00:00Z',
  created_by: { id: 'mod', name: 'Mod' },
  ...over,
  me: { member: true, read_seq: 0, unread: 0, can_moderate: false, can_send: true, ...me },
})

export const page = (seqs: number[], hasMore: boolean, seq = 0): MessagePage => ({
  messages: seqs.map((s) => msg(s)),
  head: seqs.length ? seqs[seqs.length - 1] : 0,
  seq,
  has_more: hasMore,
})
