// The header's bell: unread count, live on topic user:<id>. Kept small: it
// is in the main bundle (the rest of the forum is lazy).
import { useEffect, useRef, useState } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { useTopic } from '../realtime/hooks'
import type { RealtimeEvent } from '../realtime/socket'
import { isActive } from '../api/types'
import { forumApi, type Notification } from './api'
import { notificationText } from './notificationText'

/** Other views (the /notifiche page) tell the bell about reads they made. */
export const notificationsChanged = new EventTarget()

export function NotificationBell() {
  const { t } = useI18n()
  const { user } = useSession()
  const active = isActive(user)
  const [unread, setUnread] = useState<number | null>(null)
  const [seq, setSeq] = useState<number | null>(null)
  const [said, setSaid] = useState('')
  const uid = user?.id

  const load = useRef(async () => {
    const r = await forumApi.notifications(1)
    setUnread(r.unread)
    setSeq(r.seq)
    return r.seq
  })
  useEffect(() => {
    if (!active) return
    load.current().catch(() => undefined)
    const h = () => void load.current().catch(() => undefined)
    notificationsChanged.addEventListener('change', h)
    return () => notificationsChanged.removeEventListener('change', h)
  }, [active, uid])

  useTopic(active && uid ? 'user:' + uid : null, seq, (ev: RealtimeEvent) => {
    if (ev.event === 'notification.created') {
      setUnread((u) => (u ?? 0) + 1)
      setSaid(t.forum.notifications.live(notificationText(ev.data as Notification, t)))
      notificationsChanged.dispatchEvent(new CustomEvent('live', { detail: ev.data }))
    } else if (ev.event === 'notification.read') {
      const d = ev.data as { unread?: number }
      if (typeof d?.unread === 'number') setUnread(d.unread)
      notificationsChanged.dispatchEvent(new CustomEvent('read', { detail: ev.data }))
    }
  }, () => load.current())

  if (!active) return null
  const n = unread ?? 0
  return (
    <div className="nav-item notification-bell">
      <Link to="/notifiche" className="text-white notification-link" aria-label={t.forum.notifications.bell(n)} data-testid="notification-bell">
        <svg className="icon icon-sm icon-white" aria-hidden="true" viewBox="0 0 24 24" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z" />
        </svg>
        {n > 0 ? (
          <span className="badge bg-danger notification-count" aria-hidden="true">
            {n > 99 ? '99+' : n}
          </span>
        ) : null}
      </Link>
      <span className="visually-hidden" aria-live="polite">
        {said}
      </span>
    </div>
  )
}
