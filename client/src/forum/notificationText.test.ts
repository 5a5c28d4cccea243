import { describe, expect, it } from 'vitest'
import { notificationHref, notificationText } from './notificationText'
import type { Notification } from './api'
import { it as itDict } from '../i18n/it'

const n = (over: Partial<Notification>): Notification => ({ kind: 'reply', thread_id: '12', post_id: '12-3', actor_name: 'Anna', thread_title: 'Gare', ...over }) as Notification

describe('notificationHref', () => {
  const cases: { name: string; n: Notification; want: string }[] = [
    { name: 'a forum post', n: n({}), want: '/forum/p/12-3' },
    { name: 'a thread', n: n({ post_id: '' }), want: '/forum/t/12' },
    { name: 'a room message', n: n({ kind: 'room_mention', thread_id: 'Ab-c_1234567890123456789', post_id: 'Ab-c_1234567890123456789-42' }), want: '/stanze/Ab-c_1234567890123456789#m42' },
    { name: 'a room, no seq', n: n({ kind: 'room_mention', thread_id: 'R1', post_id: 'other' }), want: '/stanze/R1' },
    { name: 'a hidden post', n: n({ kind: 'moderation_hidden', post_id: 'post:12-3' }), want: '/forum/p/12-3' },
    { name: 'a hidden room message', n: n({ kind: 'moderation_hidden', thread_id: 'R1', post_id: 'message:R1-7' }), want: '/stanze/R1#m7' },
  ]
  for (const c of cases) it(c.name, () => expect(notificationHref(c.n)).toBe(c.want))
  it('gives a moderator\'s reason', () => {
    expect(notificationText(n({ kind: 'moderation_warning', thread_title: 'Gare', excerpt: 'Toni' } as Partial<Notification>), itDict)).toBe('Avviso dei moderatori su un tuo contenuto in «Gare»: Toni')
  })
  it('names a room mention', () => {
    expect(notificationText(n({ kind: 'room_mention', thread_title: 'Pulizie' }), itDict)).toBe('Anna ti menziona nella stanza «Pulizie»')
  })
})
