import { startTransition, useCallback, useEffect, useRef, useState } from 'react'
import { Link, useLocation, useParams } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { useTopic } from '../realtime/hooks'
import type { RealtimeEvent } from '../realtime/socket'
import { apiErrorMessage } from '../components/forms'
import { Loading } from '../components/Page'
import { forumApi, type ThreadList, type ThreadSummary } from './api'
import { DateTime, ErrorAlert, Pagination, useAnnouncer, usePageParam } from './common'
import { flushReads } from './readPosition'
import { unreadOf } from './unread'
import { mergeThread } from './text'

export default function CategoryRoute() {
  const { id = '' } = useParams()
  return <CategoryThreads key={id} id={id} />
}

type Row = ThreadSummary & { live?: 'new' | 'updated' }

function CategoryThreads({ id }: { id: string }) {
  const { t } = useI18n()
  const tf = t.forum
  const location = useLocation()
  const page = usePageParam(location.search)
  const [data, setData] = useState<(Omit<ThreadList, 'items'> & { items: Row[] }) | null>(null)
  const [error, setError] = useState('')
  const [region, announce] = useAnnouncer()
  const dataRef = useRef<typeof data>(data)
  dataRef.current = data

  const load = useCallback(async () => {
    try {
      await flushReads()
      const d = await forumApi.categoryThreads(id, page)
      startTransition(() => setData(d)) // rendered in slices: input stays responsive
      if (d.category) document.title = `${d.category.name} · ${t.common.boardName}`
      return d.seq
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t.common.notFound.title : apiErrorMessage(e, t))
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t only words the error: a language switch need not refetch
  }, [id, page])
  useEffect(() => {
    void load()
  }, [load])

  const onEvent = (ev: RealtimeEvent) => {
    const d = dataRef.current
    if (!d) return
    const x = ev.data as ThreadSummary
    if (!x || typeof x.id !== 'string') return
    const old = d.items.find((r) => r.id === x.id)
    let items = d.items
    let total = d.total
    if (ev.event === 'thread.removed') {
      // moved to another category or merged into another thread
      const nd = { ...d, items: items.filter((r) => r.id !== x.id), total: Math.max(0, total - 1) }
      dataRef.current = nd
      setData(nd)
      // What the reader had read of a thread merged away counts as read in
      // the thread it went into: the server knows how much, so the list is
      // read again once the merge's update is in.
      if (old && (old.last_read_n ?? 0) > 0) window.setTimeout(() => void load(), 500)
      return
    }
    if (old) {
      // In place: what the reader looks at does not move.
      const row: Row = { ...old, ...x, following: old.following, last_read_n: old.last_read_n, unread_count: unreadOf(x, old), live: old.live === 'new' ? 'new' : 'updated' }
      items = items.map((r) => (r.id === x.id ? row : r))
      announce(tf.liveUpdatedThread(x.title))
    } else if (ev.event === 'thread.created' || page === 1) {
      if (ev.event === 'thread.created') total += 1
      if (page === 1) {
        const row: Row = { ...x, unread_count: unreadOf(x), live: ev.event === 'thread.created' ? 'new' : 'updated' }
        items = mergeThread(items, row)
        if (items.length > d.per_page) items = items.slice(0, d.per_page)
      }
      announce(ev.event === 'thread.created' ? tf.liveNewThread(x.title) : tf.liveUpdatedThread(x.title))
    }
    const nd = { ...d, items, total }
    dataRef.current = nd
    setData(nd)
  }
  useTopic('category:' + id, data ? data.seq : null, onEvent, async () => (await load()) ?? undefined)

  if (error) return <ErrorAlert text={error} />
  if (!data) return <Loading />
  const cat = data.category
  const following = !!(cat as unknown as { following?: boolean })?.following
  return (
    <div>
      {region}
      <nav aria-label="breadcrumb" className="breadcrumb-container">
        <ol className="breadcrumb">
          <li className="breadcrumb-item">
            <Link to="/forum">{tf.title}</Link>
          </li>
        </ol>
      </nav>
      <h1 className="mb-2">{cat?.name}</h1>
      {cat?.description ? <p className="lead">{cat.description}</p> : null}
      <div className="d-flex flex-wrap gap-2 mb-4">
        {!cat?.archived ? (
          <Link to={`/forum/nuova?categoria=${encodeURIComponent(id)}`} className="btn btn-primary">
            {tf.newThread}
          </Link>
        ) : (
          <p className="alert alert-warning mb-0">{tf.archivedNotice}</p>
        )}
        <FollowCategory id={id} initial={following} announce={announce} />
      </div>
      <h2 className="h4">{tf.threads}</h2>
      {data.items.length === 0 ? <p>{tf.noThreads}</p> : null}
      <ul className="list-unstyled forum-threads">
        {data.items.map((x) => {
          const unread = x.unread_count ?? 0
          const neverRead = (x.last_read_n ?? 0) === 0
          return (
            <li key={x.id} className={'forum-thread-row border-bottom py-3' + (x.live ? ' forum-live-' + x.live : '')} data-testid={`thread-${x.id}`}>
              <h3 className="h5 mb-1">
                <Link to={`/forum/t/${x.id}`}>{x.title}</Link>{' '}
                {x.pinned ? <span className="badge bg-secondary">{tf.pinned}</span> : null}{' '}
                {x.locked ? <span className="badge bg-danger">{tf.locked}</span> : null}{' '}
                {unread > 0 ? (
                  <span className="badge bg-primary forum-unread" title={tf.unread(unread)}>
                    {neverRead ? tf.isNew : unread}
                    <span className="visually-hidden"> ({tf.unread(unread)})</span>
                  </span>
                ) : null}{' '}
                {x.live === 'updated' ? <span className="badge bg-warning">{tf.updatedLive}</span> : null}
              </h3>
              <p className="small mb-0 text-muted-accessible">
                {tf.started} {x.author_name}
                {x.administration_name ? ` (${x.administration_name})` : ''} · {tf.replyCount(x.reply_count)} · {tf.lastPoster}: {x.last_poster_name},{' '}
                <DateTime value={x.last_activity_at} />
              </p>
            </li>
          )
        })}
      </ul>
      <Pagination page={data.page} total={data.total} perPage={data.per_page} />
    </div>
  )
}

function FollowCategory({ id, initial, announce }: { id: string; initial: boolean; announce: (m: string) => void }) {
  const { t } = useI18n()
  const [on, setOn] = useState(initial)
  const [err, setErr] = useState('')
  return (
    <>
      <button
        type="button"
        className="btn btn-outline-primary"
        aria-pressed={on}
        onClick={() =>
          forumApi.followCategory(id, !on).then(
            () => {
              setOn(!on)
              announce(!on ? t.forum.followed : t.forum.unfollowed)
            },
            (e) => setErr(apiErrorMessage(e, t)),
          )
        }
      >
        {on ? t.forum.unfollow : t.forum.follow}
      </button>
      {err ? <span className="text-danger">{err}</span> : null}
    </>
  )
}
