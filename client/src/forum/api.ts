// Calls of the API's forum operations.
import { api, request } from '../api/client'
import type { components } from '../api/schema'

// The shapes come from the API's contract (server/internal/web/openapi/openapi.yaml),
// generated into ../api/schema.d.ts by `make api-types`.
type Schemas = components['schemas']

export type Category = Schemas['Category']

/** Open categories first, each group in the admins' order. */
export const sortCategories = (l: Category[]) => [...l].sort((a, b) => Number(a.archived) - Number(b.archived) || a.position - b.position)
/** A thread from a list or a thread.* event; the reader's state is only in lists and pages. */
export type ThreadSummary = Schemas['ThreadFields'] & Partial<Omit<Schemas['ThreadView'], keyof Schemas['ThreadFields']>>
export type Attachment = Schemas['Attachment']
export type ReactionSummary = Schemas['ReactionSummary']
/** A post from a page or a post.* event; mine and can_edit are only in pages and answers. */
export type Post = Schemas['PostFields'] & Partial<Omit<Schemas['PostView'], keyof Schemas['PostFields']>>
/** A list as the client holds it: thread.* events update its items. */
export type ThreadList = Omit<Schemas['ThreadList'], 'items'> & { items: ThreadSummary[] }
/** A page as the client holds it: live events update its thread and posts. */
export type ThreadPageData = Omit<Schemas['ThreadPage'], 'thread' | 'posts'> & { thread: ThreadSummary; posts: Post[] }
export type HistoryEntry = Schemas['Version']
/** A deleted post as it was (moderators and admins only). */
export type DeletedPost = Schemas['DeletedPost']
export type Notification = Schemas['Notification']
export type NotificationList = Schemas['NotificationPage']
export type SearchHit = Schemas['SearchHit']
export type SearchResult = Schemas['SearchResults']
export type MentionSuggestion = Schemas['Mentionable']
export type Draft = Schemas['Draft']

export const REACTIONS = ['utile', 'anche_per_noi', 'grazie', 'da_approfondire'] as const
export type ReactionKind = (typeof REACTIONS)[number]

const e = encodeURIComponent

export const forumApi = {
  categories: () => api.get<Category[]>('/categories'),
  createCategory: (b: { name_it: string; name_en?: string; description_it?: string; description_en?: string }) =>
    api.post<Category>('/admin/categories', b),
  updateCategory: (id: string, b: Partial<{ name_it: string; name_en: string; description_it: string; description_en: string; archived: boolean }>) =>
    api.patch<Category>('/admin/categories/' + e(id), b),
  reorderCategories: (ids: string[]) => api.put<Category[]>('/admin/categories/order', { ids }),
  categoryThreads: (id: string, page: number) => api.get<ThreadList>(`/categories/${e(id)}/threads`, { query: { page } }),
  latestThreads: (page = 1) => api.get<ThreadList>('/threads', { query: { page } }),
  createThread: (b: { category_id: string; title: string; body: string; tags?: string[]; attachment_ids?: string[] }) =>
    api.post<{ thread: ThreadSummary; post: Post }>('/threads', b),
  thread: (id: string, view: 'tree' | 'flat', page: number) => api.get<ThreadPageData>('/threads/' + e(id), { query: { view, page } }),
  updateThread: (id: string, b: Partial<{ title: string; tags: string[]; locked: boolean; pinned: boolean; pinned_until: string; closes_at: string; reason: string }>) =>
    api.patch<ThreadSummary>('/threads/' + e(id), b),
  moveThread: (id: string, b: { category_id: string; reason: string }) => api.post<ThreadSummary>(`/threads/${e(id)}/move`, b),
  mergeThread: (id: string, b: { into_id: string; reason: string }) => api.post<ThreadSummary>(`/threads/${e(id)}/merge`, b),
  splitThread: (id: string, b: { post_ids: string[]; title: string; category_id?: string; reason: string }) =>
    api.post<ThreadSummary>(`/threads/${e(id)}/split`, b),
  reply: (threadId: string, b: { body: string; parent_id?: string; attachment_ids?: string[] }) =>
    api.post<Post>(`/threads/${e(threadId)}/posts`, b),
  markRead: (threadId: string, n: number, keepalive = false) => api.put<void>(`/threads/${e(threadId)}/read`, { n }, { keepalive }),
  post: (id: string) => api.get<{ post: Post; page: number }>('/posts/' + e(id)),
  editPost: (id: string, body: string) => api.patch<Post>('/posts/' + e(id), { body }),
  /** A moderator may give a reason, shown on the placeholder. */
  deletePost: (id: string, reason = '') => request<void>('DELETE', '/posts/' + e(id), reason.trim() ? { reason: reason.trim() } : undefined),
  history: (id: string) => api.get<HistoryEntry[]>(`/posts/${e(id)}/history`),
  deletedPost: (id: string) => api.get<DeletedPost>(`/posts/${e(id)}/deleted`),
  react: (id: string, kind: string, on: boolean) =>
    on ? api.put<Post>(`/posts/${e(id)}/reactions/${e(kind)}`) : api.delete<Post>(`/posts/${e(id)}/reactions/${e(kind)}`),
  followThread: (id: string, on: boolean) => (on ? api.put<void>('/follows/threads/' + e(id)) : api.delete('/follows/threads/' + e(id))),
  followCategory: (id: string, on: boolean) =>
    on ? api.put<void>('/follows/categories/' + e(id)) : api.delete('/follows/categories/' + e(id)),
  draft: (key: string) => api.get<Draft>('/drafts/' + e(key)),
  saveDraft: (key: string, body: string) => api.put<Draft>('/drafts/' + e(key), { body }),
  deleteDraft: (key: string) => api.delete('/drafts/' + e(key)),
  notifications: (page = 1) => api.get<NotificationList>('/notifications', { query: { page } }),
  readNotifications: (ids?: string[]) => api.post<void>('/notifications/read', ids ? { ids } : {}),
  search: (q: Record<string, string | number>, signal?: AbortSignal) => api.get<SearchResult>('/search', { query: q, signal }),
  mentions: (q: string, thread?: string, signal?: AbortSignal) =>
    api.get<MentionSuggestion[]>('/mentions', { query: thread ? { q, thread } : { q }, signal }),
}
