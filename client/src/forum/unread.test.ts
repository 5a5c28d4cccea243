import { describe, expect, it } from 'vitest'
import type { ThreadSummary } from './api'
import { unreadOf } from './unread'

const row = (posts: number, over: Partial<ThreadSummary> = {}): ThreadSummary =>
  ({ id: 't', title: 'T', post_count: posts, reply_count: posts - 1, ...over }) as ThreadSummary

describe('unreadOf', () => {
  const cases: { name: string; x: ThreadSummary; old?: ThreadSummary; want: number }[] = [
    { name: 'the event carries the count', x: row(9, { unread_count: 4 }), old: row(8, { unread_count: 1 }), want: 4 },
    { name: 'a thread new to the list: all unread', x: row(5), want: 5 },
    { name: 'one reply to a thread read to the end', x: row(6), old: row(5, { unread_count: 0, last_read_n: 5 }), want: 1 },
    { name: 'one reply, two unread before', x: row(6), old: row(5, { unread_count: 2, last_read_n: 3 }), want: 3 },
    // after a merge the server counts the merged posts read in the source as
    // read, while last_read_n stays where the target was read to
    { name: 'a reply after a merge the server counted', x: row(12), old: row(11, { unread_count: 1, last_read_n: 4 }), want: 2 },
    { name: 'posts split away', x: row(4), old: row(8, { unread_count: 2, last_read_n: 6 }), want: 0 },
    { name: 'never more than the posts', x: row(3), old: row(8, { unread_count: 8, last_read_n: 0 }), want: 3 },
    { name: 'a row without its count (home page)', x: row(7), old: row(6, { last_read_n: 6 }), want: 1 },
  ]
  for (const c of cases) {
    it(c.name, () => expect(unreadOf(c.x, c.old)).toBe(c.want))
  }
})
