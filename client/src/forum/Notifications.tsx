import { useCallback, useEffect, useState } from 'react'
import { Link, useLocation } from 'react-router-dom'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { forumApi, type Notification, type NotificationList } from './api'
import { DateTime, ErrorAlert, Pagination, useAnnouncer, usePageParam } from './common'
import { notificationsChanged } from './NotificationBell'
import { notificationHref, notificationText } from './notificationText'
import './forum.css'

export default function Notifications() {
  const { t } = useI18n()
  const tn = t.forum.notifications
  const location = useLocation()
  const page = usePageParam(location.search)
  const [data, setData] = useState<NotificationList | null>(null)
  const [error, setError] = useState('')
  const [region, announce] = useAnnouncer()

  const load = useCallback(() => {
    forumApi.notifications(page).then(setData, (e) => setError(apiErrorMessage(e, t)))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t only words the error: a language switch need not refetch
  }, [page])
  useEffect(load, [load])

  // New ones arrive through the bell's subscription (one per app).
  useEffect(() => {
    const onLive = (e: Event) => {
      const n = (e as CustomEvent<Notification>).detail
      if (page === 1 && n?.id) setData((d) => (d && !d.items.some((x) => x.id === n.id) ? { ...d, items: [n, ...d.items], unread: d.unread + 1 } : d))
    }
    const onRead = (e: Event) => {
      const r = (e as CustomEvent<{ ids?: string[]; all?: boolean; unread?: number }>).detail
      setData((d) =>
        d ? { ...d, unread: r.unread ?? d.unread, items: d.items.map((x) => (r.all || r.ids?.includes(x.id) ? { ...x, read: true } : x)) } : d,
      )
    }
    notificationsChanged.addEventListener('live', onLive)
    notificationsChanged.addEventListener('read', onRead)
    return () => {
      notificationsChanged.removeEventListener('live', onLive)
      notificationsChanged.removeEventListener('read', onRead)
    }
  }, [page])

  const markAll = () =>
    forumApi.readNotifications().then(
      () => {
        setData((d) => (d ? { ...d, unread: 0, items: d.items.map((x) => ({ ...x, read: true })) } : d))
        notificationsChanged.dispatchEvent(new Event('change'))
        announce(tn.marked)
      },
      (e) => setError(apiErrorMessage(e, t)),
    )
  const open = (n: Notification) => {
    if (n.read) return
    forumApi.readNotifications([n.id]).then(() => notificationsChanged.dispatchEvent(new Event('change')), () => undefined)
  }

  return (
    <Page title={tn.title}>
      {region}
      <ErrorAlert text={error} />
      {!data ? (
        error ? null : <Loading />
      ) : (
        <>
          <button type="button" className="btn btn-outline-primary btn-sm mb-3" onClick={() => void markAll()} disabled={data.unread === 0}>
            {tn.markAll}
          </button>
          {data.items.length === 0 ? <p>{tn.empty}</p> : null}
          <ul className="list-unstyled notification-list">
            {data.items.map((n) => (
              <li key={n.id} className={'border-bottom py-2' + (n.read ? '' : ' notification-unread')}>
                {!n.read ? <span className="badge bg-primary me-2">{tn.unreadMark}</span> : null}
                <Link to={notificationHref(n)} onClick={() => open(n)}>
                  {notificationText(n, t)}
                </Link>
                <div className="small text-muted-accessible">
                  <DateTime value={n.created_at} />
                  {n.excerpt ? ` · ${n.excerpt}` : ''}
                </div>
              </li>
            ))}
          </ul>
          {data.total ? <Pagination page={page} total={data.total} perPage={data.per_page ?? 20} /> : null}
        </>
      )}
    </Page>
  )
}
