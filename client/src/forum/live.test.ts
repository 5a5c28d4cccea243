import { describe, expect, it } from 'vitest'
import { applyEvent } from './live'
import type { Post, ThreadPageData } from './api'

const post = (n: number, depth: number, parent = 0): Post =>
  ({ id: 't-' + n, thread_id: 't', n, parent_id: parent ? 't-' + parent : '', reply_to_n: parent, depth, reactions: {}, mine: [], can_edit: false, deleted: false } as unknown as Post)

const page = (posts: Post[], over: Partial<ThreadPageData> = {}): ThreadPageData =>
  ({ thread: {} as never, category: {} as never, posts, view: 'tree', page: 1, per_page: 50, total: posts.length, seq: 1, ...over })

describe('applyEvent', () => {
  it('inserts a reply after its parent subtree', () => {
    const d = page([post(1, 0), post(2, 1), post(3, 2, 2), post(4, 1)])
    const [nd, out] = applyEvent(d, 'post.created', post(5, 2, 2), 'u')
    expect(out.kind).toBe('inserted')
    expect(nd.posts.map((p) => p.n)).toEqual([1, 2, 3, 5, 4])
    expect(nd.total).toBe(5)
    expect(applyEvent(nd, 'post.created', post(5, 2, 2), 'u')[1].kind).toBe('none')
  })
  it('counts posts of later pages', () => {
    const d = page([post(1, 0)], { total: 120, per_page: 50 })
    const [nd, out] = applyEvent(d, 'post.created', post(121, 1), 'u')
    expect(out.kind).toBe('below')
    expect(nd.posts).toHaveLength(1)
  })
  it('replaces on update and computes mine', () => {
    const d = page([post(1, 0)])
    const upd = { ...post(1, 0), reactions: { utile: { count: 1, users: [{ id: 'u', name: 'U' }] } } }
    const [nd] = applyEvent(d, 'reaction.changed', upd, 'u')
    expect(nd.posts[0].mine).toEqual(['utile'])
  })
  it('drops posts split off into another thread', () => {
    const d = page([post(1, 0), post(2, 1), post(3, 2, 2), post(4, 1)])
    const [nd, out] = applyEvent(d, 'posts.moved', { thread_id: 'n', post_ids: ['t-2', 't-3'] }, 'u')
    expect(out).toEqual({ kind: 'postsMoved', count: 2 })
    expect(nd.posts.map((p) => p.n)).toEqual([1, 4])
    expect(nd.total).toBe(2)
  })
  it('follows a thread merged into another', () => {
    const d = page([post(1, 0)])
    expect(applyEvent(d, 'thread.moved', { id: 't', thread_id: 'a' }, 'u')[1]).toEqual({ kind: 'moved', threadId: 'a' })
    expect(applyEvent(d, 'thread.moved', null, 'u')[1].kind).toBe('none')
  })
})
