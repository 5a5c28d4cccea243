import type { T } from '../i18n'
import type { Notification } from './api'

export function notificationText(n: Notification, t: T): string {
  const k = t.forum.notifications.kind
  const f = (k as Record<string, (a: string, b: string, c: string) => string>)[n.kind] ?? k.other
  return f(n.actor_name, n.thread_title, n.excerpt)
}

export function notificationHref(n: Notification): string {
  // A moderator's action: post_id is the moderation record, <kind>:<item id>.
  if (n.kind.startsWith('moderation_')) {
    const [kind, id] = [n.post_id.slice(0, n.post_id.indexOf(':')), n.post_id.slice(n.post_id.indexOf(':') + 1)]
    if (kind === 'message') return notificationHref({ ...n, kind: 'room_mention', post_id: id })
    return `/forum/p/${id}`
  }
  // A room's message: thread_id is the room, post_id is <room_id>-<seq>.
  if (n.kind === 'room_mention') {
    const seq = n.post_id.startsWith(n.thread_id + '-') ? n.post_id.slice(n.thread_id.length + 1) : ''
    return `/stanze/${encodeURIComponent(n.thread_id)}` + (/^\d+$/.test(seq) ? `#m${seq}` : '')
  }
  return n.post_id ? `/forum/p/${n.post_id}` : `/forum/t/${n.thread_id}`
}
