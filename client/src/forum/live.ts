// Applying thread:<id> events to the page on screen (pure; see live.test.ts).
import type { Post, ReactionKind, ThreadPageData, ThreadSummary } from './api'
import { pageCount } from './text'

export type LiveOutcome =
  | { kind: 'inserted'; post: Post }
  | { kind: 'below'; post: Post }
  | { kind: 'updated'; post: Post }
  | { kind: 'deleted'; post: Post }
  | { kind: 'reacted'; post: Post }
  | { kind: 'thread' }
  | { kind: 'moved'; threadId: string }
  | { kind: 'postsMoved'; count: number }
  | { kind: 'none' }

/** Reader state the events do not carry: `mine` from the reaction lists, `can_edit` kept. */
function withReader(p: Post, old: Post | undefined, userId: string): Post {
  const mine = Object.entries(p.reactions ?? {})
    .filter(([, r]) => r.users.some((u) => u.id === userId))
    .map(([k]) => k as ReactionKind)
  return { ...p, mine, can_edit: p.deleted ? false : (p.can_edit ?? old?.can_edit ?? p.author_id === userId) }
}

/** Where a new post goes in the posts of this page, or -1 when it belongs to a later page. */
export function insertIndex(d: ThreadPageData, p: Post): number {
  const last = d.page >= pageCount(d.total, d.per_page)
  if (d.view === 'flat' || !p.parent_id) return last ? d.posts.length : -1
  const i = d.posts.findIndex((x) => x.id === p.parent_id)
  if (i < 0) return last ? d.posts.length : -1
  const depth = d.posts[i].depth
  let j = i + 1
  while (j < d.posts.length && d.posts[j].depth > depth) j++
  if (j === d.posts.length && !last) return -1
  return j
}

export function applyEvent(d: ThreadPageData, event: string, data: unknown, userId: string): [ThreadPageData, LiveOutcome] {
  if (event === 'thread.updated') {
    const t = data as ThreadSummary
    return [{ ...d, thread: { ...d.thread, ...t, following: d.thread.following, unread_count: d.thread.unread_count, last_read_n: d.thread.last_read_n } }, { kind: 'thread' }]
  }
  if (event === 'thread.moved') {
    // merged into another thread: the page goes there
    const to = (data as { thread_id?: string } | null)?.thread_id
    return typeof to === 'string' ? [d, { kind: 'moved', threadId: to }] : [d, { kind: 'none' }]
  }
  if (event === 'posts.moved') {
    // split off into a new thread: they leave this page
    const ids = new Set((data as { post_ids?: string[] } | null)?.post_ids ?? [])
    const posts = d.posts.filter((x) => !ids.has(x.id))
    return [{ ...d, posts, total: Math.max(0, d.total - ids.size) }, { kind: 'postsMoved', count: ids.size }]
  }
  const p = data as Post
  if (!p || typeof p.id !== 'string') return [d, { kind: 'none' }]
  const at = d.posts.findIndex((x) => x.id === p.id)
  if (event === 'post.created') {
    if (at >= 0) return [d, { kind: 'none' }] // already here (our own reply)
    const np = withReader(p, undefined, userId)
    const i = insertIndex(d, np)
    const total = d.total + 1
    if (i < 0) return [{ ...d, total }, { kind: 'below', post: np }]
    const posts = [...d.posts.slice(0, i), np, ...d.posts.slice(i)]
    return [{ ...d, posts, total }, { kind: 'inserted', post: np }]
  }
  if (event === 'post.updated' || event === 'post.deleted' || event === 'reaction.changed') {
    if (at < 0) return [d, { kind: 'none' }]
    const np = withReader(p, d.posts[at], userId)
    const posts = d.posts.slice()
    posts[at] = np
    const kind = event === 'post.updated' ? 'updated' : event === 'post.deleted' ? 'deleted' : 'reacted'
    return [{ ...d, posts }, { kind, post: np }]
  }
  return [d, { kind: 'none' }]
}
