// Calls of the API's room operations (ROOMS.md, issue 9).
import { api } from '../api/client'
import type { components, paths } from '../api/schema'

// The shapes come from the API's contract (server/internal/web/openapi/openapi.yaml),
// generated into ../api/schema.d.ts by `make api-types`.
type Schemas = components['schemas']
type Body<P extends keyof paths, M extends 'post' | 'patch'> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never

export type RoomKind = Schemas['RoomKind']
export type RoomAccess = Schemas['RoomAccess']
export type RoomHistory = Schemas['RoomHistory']
export type RoomPresence = Schemas['RoomPresence']
export type RoomEmoji = Schemas['RoomEmoji']
export type Room = Schemas['Room']
export type RoomMe = Room['me']
/** A message from a page, an answer or a message.* event (whose reactions[].mine is always false). */
export type Message = Schemas['RoomMessage']
export type ReplyPreview = NonNullable<Message['reply_to']>
export type MessageReaction = Message['reactions'][number]
export type MessagePage = Schemas['RoomMessagePage']
export type NewRoom = Body<'/rooms', 'post'>
export type RoomPatch = Body<'/rooms/{id}', 'patch'>
export type SendBody = Body<'/rooms/{id}/messages', 'post'>

/** The reactions a room offers (RoomEmoji), in the order shown. */
export const ROOM_EMOJI: readonly RoomEmoji[] = ['👍', '❤️', '🎉', '😄', '😮', '🙏', '👀', '✅']

import type { ReportReason } from '../moderation/api'
export type { ReportReason }

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
  react: (id: string, seq: number, emoji: RoomEmoji, on: boolean) =>
    on ? api.post<Message>(msg(id, seq) + '/reactions', { emoji }) : api.delete<Message>(`${msg(id, seq)}/reactions/${e(emoji)}`),
  /** Older versions, newest first (moderators). */
  history: (id: string, seq: number) => api.get<{ versions: Schemas['Version'][] }>(msg(id, seq) + '/history'),
  replies: (id: string, seq: number) => api.get<{ messages: Message[] }>(msg(id, seq) + '/replies'),
  read: (id: string, seq: number) => api.post<{ read_seq: number; unread: number }>(room(id) + '/read', { seq }),
  mute: (id: string, userId: string, minutes: number, reason: string) => api.post<void>(room(id) + '/mutes', { user_id: userId, minutes, reason }),
  unmute: (id: string, userId: string) => api.delete(`${room(id)}/mutes/${e(userId)}`),
  report: (id: string, seq: number, reason: ReportReason, text?: string) =>
    api.post<void>(msg(id, seq) + '/reports', text ? { reason, text } : { reason }),
  /** The approved administrations (the picker of an invited room). */
  promote: (id: string, seq: number, categoryId: string, title: string) =>
    api.post<{ thread_id: string }>(msg(id, seq) + '/promote', { category_id: categoryId, title }),
  administrations: () => api.get<components['schemas']['Administration'][]>('/administrations'),
}
