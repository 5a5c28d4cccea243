import type { ThreadSummary } from './api'

const postsOf = (x: ThreadSummary) => x.post_count ?? x.reply_count + 1

/**
 * Unread posts of a thread summary that came in a live event: its own count
 * when it carries one, else the row's count moved by the posts the thread
 * gained or lost since (a reply adds one; what the reader had read stays
 * read, even when the server's position for it is not a plain number, as
 * after a merge). A thread new to the list is all unread.
 */
export function unreadOf(x: ThreadSummary, old?: ThreadSummary): number {
  if (typeof x.unread_count === 'number') return x.unread_count
  const now = postsOf(x)
  if (!old) return now
  const before = old.unread_count ?? Math.max(0, postsOf(old) - (old.last_read_n ?? 0))
  return Math.min(now, Math.max(0, before + now - postsOf(old)))
}
