// Calls of the API's room operations (ROOMS.md, issue 9).
import { api } from '../api/client'
import type { Attachment } from '../forum/api'
import type { components } from '../api/schema'

// LOCAL TYPES: written from /work/wt/ROOMS.md while the server (h/rooms) is
// built; to be replaced by components['schemas'][...] from ../api/schema.d.ts
// once openapi.yaml describes the rooms.

export type RoomKind = 'theme' | 'table' | 'meeting'
export type RoomAccess = 'open' | 'invited'
export type RoomHistory = 'full' | 'since_join'
export type RoomPresence = 'names' | 'counts'

export interface RoomMe {
  member: boolean
  joined_at?: string
  read_seq: number
  unread: number
  muted_until?: string
  can_moderate: boolean
  can_send: boolean
}

export interface Room {
  id: string
  name: string
  description: string
  kind: RoomKind
  table_id?: string
  meeting?: string
  access: RoomAccess
  administration_ids: string[]
  history: RoomHistory
  presence: RoomPresence
  slow_mode_s: number
  archived: boolean
  /** The seq of the room's last message. */
  head: number
  created_at: string
  created_by: { id: string; name: string }
  me: RoomMe
}

export interface ReplyPreview {
  seq: number
  author_name: string
  excerpt: string
  deleted: boolean
}

export interface MessageReaction {
  emoji: string
  count: number
  mine: boolean
}

export interface Message {
  seq: number
  id: string
  room_id: string
  client_id: string
  author: { id: string; name: string; administration_id: string; administration_name: string }
  body: string
  html: string
  reply_to?: ReplyPreview | null
  reply_count: number
  created_at: string
  edited_at?: string | null
  deleted: boolean
  deleted_by_moderator?: boolean
  reactions: MessageReaction[]
  attachments: Attachment[]
  mentions?: { users: unknown[]; administrations: unknown[] }
  promoted_thread_id?: string
}

export interface MessagePage {
  /** Ascending by seq. */
  messages: Message[]
  /** The room's last message seq. */
  head: number
  /** The realtime topic's head when read: subscribe with since=seq. */
  seq: number
  has_more: boolean
}

export interface NewRoom {
  name: string
  description: string
  kind: RoomKind
  table_id?: string
  meeting?: string
  access: RoomAccess
  administration_ids?: string[]
  history: RoomHistory
  presence: RoomPresence
  slow_mode_s: number
}

export type RoomPatch = Partial<Pick<Room, 'name' | 'description' | 'archived' | 'slow_mode_s' | 'presence' | 'access' | 'administration_ids'>>

export interface SendBody {
  client_id: string
  body: string
  reply_to?: number
  attachment_ids?: string[]
}

export const REPORT_REASONS = ['off_topic', 'inappropriate', 'duplicate', 'personal_data', 'spam', 'other'] as const
export type ReportReason = (typeof REPORT_REASONS)[number]

/** The reactions offered in rooms: the forum's kinds. */
export { REACTIONS } from '../forum/api'

const e = encodeURIComponent
const room = (id: string) => '/rooms/' + e(id)
const msg = (id: string, seq: number) => `${room(id)}/messages/${seq}`

export const roomsApi = {
  list: () => api.get<{ rooms: Room[] }>('/rooms'),
  create: (b: NewRoom) => api.post<Room>('/rooms', b),
  get: (id: string) => api.get<Room>(room(id)),
  update: (id: string, b: RoomPatch) => api.patch<Room>(room(id), b),
  join: (id: string) => api.post<Room>(room(id) + '/join'),
  /** The latest page (no cursor), older than before, or newer than after. */
  messages: (id: string, q: { before?: number; after?: number; limit?: number } = {}) =>
    api.get<MessagePage>(room(id) + '/messages', { query: q }),
  send: (id: string, b: SendBody) => api.post<Message>(room(id) + '/messages', b),
  edit: (id: string, seq: number, body: string) => api.patch<Message>(msg(id, seq), { body }),
  remove: (id: string, seq: number) => api.delete<Message>(msg(id, seq)),
  react: (id: string, seq: number, emoji: string, on: boolean) =>
    on ? api.post<Message>(msg(id, seq) + '/reactions', { emoji }) : api.delete<Message>(`${msg(id, seq)}/reactions/${e(emoji)}`),
  replies: (id: string, seq: number) => api.get<{ messages: Message[] }>(msg(id, seq) + '/replies'),
  read: (id: string, seq: number) => api.post<{ read_seq: number; unread: number }>(room(id) + '/read', { seq }),
  mute: (id: string, userId: string, minutes: number, reason: string) => api.post<void>(room(id) + '/mutes', { user_id: userId, minutes, reason }),
  unmute: (id: string, userId: string) => api.delete(`${room(id)}/mutes/${e(userId)}`),
  report: (id: string, seq: number, reason: ReportReason, text?: string) =>
    api.post<void>(msg(id, seq) + '/reports', text ? { reason, text } : { reason }),
  /** The approved administrations (the picker of an invited room). */
  administrations: () => api.get<components['schemas']['Administration'][]>('/administrations'),
}
