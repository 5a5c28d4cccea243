import type { T } from '../i18n'
import type { Notification } from './api'

export function notificationText(n: Notification, t: T): string {
  const k = t.forum.notifications.kind
  const f = (k as Record<string, (a: string, b: string) => string>)[n.kind] ?? k.other
  return f(n.actor_name, n.thread_title)
}

export function notificationHref(n: Notification): string {
  return n.post_id ? `/forum/p/${n.post_id}` : `/forum/t/${n.thread_id}`
}
