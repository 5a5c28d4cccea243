import { useCallback, useEffect, useRef, useState } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../../i18n'
import { useTopic } from '../../realtime/hooks'
import type { RealtimeEvent } from '../../realtime/socket'
import { forumApi, type ThreadSummary } from '../../forum/api'
import { flushReads } from '../../forum/readPosition'
import { unreadOf } from '../../forum/unread'

const SHOWN = 8

/** The forum's place on the dashboard: the latest threads, live on topic `forum`. */
export function ForumSlot() {
  const { t, dateTime } = useI18n()
  const tf = t.forum
  const [items, setItems] = useState<ThreadSummary[] | null>(null)
  const [seq, setSeq] = useState<number | null>(null)
  const [said, setSaid] = useState('')
  const [failed, setFailed] = useState(false)
  const itemsRef = useRef(items)
  itemsRef.current = items

  const load = useCallback(async () => {
    try {
      await flushReads()
      const r = await forumApi.latestThreads(1)
      setItems((r.items ?? []).slice(0, SHOWN))
      setSeq(r.seq)
      return r.seq
    } catch {
      setFailed(true)
    }
  }, [])
  useEffect(() => {
    void load()
  }, [load])

  useTopic('forum', seq, (ev: RealtimeEvent) => {
    const x = ev.data as ThreadSummary
    if (!x || typeof x.id !== 'string' || !itemsRef.current) return
    const old = itemsRef.current.find((i) => i.id === x.id)
    const rest = itemsRef.current.filter((i) => i.id !== x.id)
    if (ev.event === 'thread.removed') {
      setItems(rest) // merged into another thread
      // its reader's counts come from the server (see CategoryThreads)
      if (old && (old.last_read_n ?? 0) > 0) window.setTimeout(() => void load(), 500)
      return
    }
    const row = { ...x, last_read_n: old?.last_read_n ?? 0, unread_count: unreadOf(x, old ?? { ...x, last_read_n: 0 }) }
    // Newest activity first; a list this short may reorder (it is a summary, not a reading view).
    setItems([row, ...rest].sort((a, b) => (a.last_activity_at < b.last_activity_at ? 1 : -1)).slice(0, SHOWN))
    setSaid(ev.event === 'thread.created' ? tf.liveNewThread(x.title) : tf.liveUpdatedThread(x.title))
  }, async () => (await load()) ?? undefined)

  return (
    <section aria-labelledby="forum-slot-title" className="forum-slot p-4 border rounded">
      <h2 id="forum-slot-title" className="h4">
        {tf.latest}
      </h2>
      <div className="visually-hidden" aria-live="polite">
        {said}
      </div>
      {failed ? <p className="mb-2">{t.common.errors.generic}</p> : null}
      {items && items.length === 0 ? <p className="mb-2">{tf.latestEmpty}</p> : null}
      {items && items.length > 0 ? (
        <ul className="list-unstyled mb-3">
          {items.map((x) => (
            <li key={x.id} className="py-2 border-bottom">
              <Link to={`/forum/t/${x.id}`}>{x.title}</Link>
              {x.unread_count ? <span className="badge bg-primary forum-unread ms-2">{tf.unread(x.unread_count)}</span> : null}
              <div className="small text-muted-accessible">
                {tf.replyCount(x.reply_count)} · {tf.lastPoster}: {x.last_poster_name}, <time dateTime={x.last_activity_at}>{dateTime(x.last_activity_at)}</time>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <Link to="/forum" className="btn btn-outline-primary btn-sm">
        {tf.allForum}
      </Link>
    </section>
  )
}
