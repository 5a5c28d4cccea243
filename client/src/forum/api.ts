// Shapes and calls of docs/api.md "Forums" (follow the server where it differs).
import { api, request } from '../api/client'

export interface Category {
  id: string
  slug: string
  name: string
  name_it: string
  name_en: string
  description: string
  description_it: string
  description_en: string
  position: number
  archived: boolean
  thread_count: number
  post_count: number
  last_activity_at: string | null
}

export interface ThreadSummary {
  id: string
  category_id: string
  title: string
  tags: string[] | null
  author_id: string
  author_name: string
  author_handle: string
  administration_name: string
  administration_ipa?: string
  created_at: string
  last_activity_at: string
  post_count?: number
  reply_count: number
  last_poster_name: string
  pinned: boolean
  locked: boolean
  following?: boolean
  unread_count?: number
  last_read_n?: number
  seq?: number
}

export interface Attachment {
  id: string
  name: string
  content_type: string
  size: number
  url: string
  image: boolean
}

export interface ReactionSummary {
  count: number
  users: { id: string; name: string }[]
}

export interface Post {
  id: string
  thread_id: string
  n: number
  parent_id: string
  reply_to_n: number
  depth: number
  author_id: string
  author_name: string
  author_handle: string
  administration_name: string
  administration_ipa: string
  body: string
  html: string
  created_at: string
  edited_at: string | null
  edit_count: number
  deleted: boolean
  /** A moderator's reason, shown on the placeholder. */
  delete_reason?: string
  reactions: Record<string, ReactionSummary> | null
  mine?: string[] | null
  attachments: Attachment[] | null
  can_edit?: boolean
}

export interface ThreadList {
  category?: Category
  items: ThreadSummary[]
  page: number
  per_page: number
  total: number
  seq: number
}

export interface ThreadPageData {
  thread: ThreadSummary
  category: Category
  posts: Post[]
  view: 'tree' | 'flat'
  page: number
  per_page: number
  total: number
  seq: number
}

export interface HistoryEntry {
  n: number
  body: string
  html: string
  edited_at: string
  editor_name: string
}

/** A deleted post as it was (GET /posts/:id/deleted, moderators and admins only). */
export interface DeletedPost extends Post {
  deleted_by_id: string
  deleted_by_name: string
  deleted_at: string | null
}

export interface Notification {
  id: string
  kind: 'reply' | 'mention' | 'followed_thread' | 'followed_category' | string
  thread_id: string
  post_id: string
  thread_title: string
  actor_name: string
  excerpt: string
  created_at: string
  read: boolean
}

export interface NotificationList {
  items: Notification[]
  unread: number
  seq: number
  page?: number
  per_page?: number
  total?: number
}

export interface SearchHit {
  thread_id: string
  post_id: string
  n: number
  title: string
  snippet: string
  score: number
  author_name: string
  administration_name: string
  category_id: string
  created_at: string
}

export interface SearchResult {
  items: SearchHit[] | null
  total: number
  page: number
  per_page: number
}

export interface MentionSuggestion {
  kind: 'user' | 'administration'
  handle: string
  name: string
  detail: string
}

export interface Draft {
  key: string
  body: string
  updated_at: string
}

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
  updateThread: (id: string, b: Partial<{ title: string; tags: string[]; locked: boolean; pinned: boolean }>) =>
    api.patch<ThreadSummary>('/threads/' + e(id), b),
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
