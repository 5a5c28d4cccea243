import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { useLiveView } from '../live/useLiveView'
import { apiErrorMessage } from '../components/forms'
import { Loading } from '../components/Page'
import { forumApi, type Attachment, type Post, type ThreadPageData } from './api'
import { ErrorAlert, Pagination, useAnnouncer, usePageParam } from './common'
import { viewParam } from './pageParam'
import { Composer } from './Composer'
import { clearDraft } from './drafts'
import { applyEvent, insertIndex, type LiveOutcome } from './live'
import { PostItem, type PostActions } from './PostItem'
import { ThreadNotFound } from './ThreadNotFound'
import { CurationDialog, type CurationMode } from './CurationDialog'
import { formatDateTime } from '../i18n/format'
import { flushReads, reportRead } from './readPosition'
import { appendBlock, quoteMarkdown } from './text'

/** The tree's indentation cap (the server caps `depth` at the same value). */
const MAX_INDENT = 4

export default function ThreadRoute() {
  const { id = '' } = useParams()
  return <ThreadPage key={id} id={id} />
}

function ThreadPage({ id }: { id: string }) {
  const { t, lang } = useI18n()
  const tf = t.forum
  const { user } = useSession()
  const userId = user?.id ?? ''
  const location = useLocation()
  const navigate = useNavigate()
  const q = new URLSearchParams(location.search)
  const view = viewParam(location.search)
  const page = usePageParam(location.search)
  const [error, setError] = useState('')
  const [missing, setMissing] = useState(false)
  const [below, setBelow] = useState(0)
  const [fresh, setFresh] = useState<Set<string>>(new Set())
  const [replyTo, setReplyTo] = useState<Post | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const [texts, setTexts] = useState<Record<string, string>>({})
  const textsRef = useRef(texts)
  textsRef.current = texts
  const [atts, setAtts] = useState<Record<string, Attachment[]>>({})
  const [formErr, setFormErr] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState<string | null>(null)
  const [notice, setNotice] = useState('')
  const [region, announce] = useAnnouncer()
  const mainRef = useRef<HTMLTextAreaElement>(null)
  const isMod = user?.role === 'moderator' || user?.role === 'admin'
  const [curating, setCurating] = useState<CurationMode | null>(null)

  const { data, dataRef, commit, setData } = useLiveView<ThreadPageData, LiveOutcome>(
    {
      topic: 'thread:' + id,
      fetch: () => forumApi.thread(id, view, page),
      apply: (d, ev) => applyEvent(d, ev.event, ev.data, userId),
      onLoad: (d) => {
        setError('')
        setBelow(0)
        document.title = `${d.thread.title} · ${t.common.boardName}`
      },
      onError: (e) => {
        setMissing(e instanceof ApiError && e.status === 404)
        setError(e instanceof ApiError && e.status === 404 ? tf.notFound : apiErrorMessage(e, t))
      },
      onOutcome: (out) => {
        switch (out.kind) {
          case 'inserted':
            if (out.post.author_id === userId) break // our own reply, from this or another tab
            setFresh((s) => new Set(s).add(out.post.id))
            announce(tf.liveNewPost(out.post.author_name))
            break
          case 'below':
            setBelow((b) => b + 1)
            if (out.post.author_id !== userId) announce(tf.liveNewPost(out.post.author_name))
            break
          case 'updated':
            announce(tf.liveEdited(out.post.n))
            break
          case 'deleted':
            announce(tf.liveDeleted(out.post.n))
            break
          case 'moved':
            announce(t.curation.moved)
            navigate(`/forum/t/${out.threadId}`, { replace: true })
            break
          case 'postsMoved':
            announce(t.curation.postsMoved(out.count))
            break
        }
      },
    },
    [id, view, page, userId].join('|'),
  )

  // A merged thread's address answers with the thread it went into.
  useEffect(() => {
    if (data && data.thread.id !== id) navigate(`/forum/t/${data.thread.id}${location.search}${location.hash}`, { replace: true })
  }, [data, id, navigate, location.search, location.hash])

  // A thread that closes at a date closes on screen then, as a lock does.
  const closesAt = data?.thread.closes_at
  const locked = !!data?.thread.locked
  useEffect(() => {
    if (!closesAt || locked) return
    const wait = new Date(closesAt).getTime() - Date.now()
    const close = () => setData((d) => (d ? { ...d, thread: { ...d.thread, locked: true } } : d))
    if (wait <= 0) {
      close()
      return
    }
    const timer = setTimeout(close, Math.min(wait, 2 ** 31 - 1))
    return () => clearTimeout(timer)
  }, [closesAt, locked, setData])

  // Permalinks: scroll to #p<n>, or find the page that holds it.
  const hashDone = useRef('')
  useEffect(() => {
    if (!data || !location.hash.startsWith('#p') || hashDone.current === location.hash + page + view) return
    hashDone.current = location.hash + page + view
    const n = Number(location.hash.slice(2))
    const el = document.getElementById('p' + n)
    if (el) {
      el.scrollIntoView({ block: 'start' })
      el.focus({ preventScroll: true })
    } else if (n > 0) {
      forumApi.post(`${id}-${n}`).then(
        (r) => {
          if (r.page !== page || view !== 'tree') navigate(`/forum/t/${id}${r.page > 1 ? '?page=' + r.page : ''}#p${n}`, { replace: true })
        },
        () => setNotice(tf.postNotFound),
      )
    }
  }, [data, location.hash, page, view, id, navigate, tf])

  // Read: the highest post number on screen while the page is visible,
  // live arrivals included; sent batched (readPosition.ts), and at once on leaving.
  const onScreen = useRef(new Set<number>())
  useEffect(() => {
    const seen = () => {
      if (document.visibilityState === 'visible' && onScreen.current.size > 0) reportRead(id, Math.max(...onScreen.current))
    }
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const n = Number((e.target as HTMLElement).dataset.postN) || 0
        if (e.isIntersecting) onScreen.current.add(n)
        else onScreen.current.delete(n)
      }
      seen()
    })
    onScreen.current.clear()
    document.querySelectorAll('.forum-post[data-post-n]').forEach((el) => io.observe(el))
    document.addEventListener('visibilitychange', seen)
    return () => {
      io.disconnect()
      document.removeEventListener('visibilitychange', seen)
    }
  }, [data, id])
  useEffect(() => () => void flushReads(), [id])

  // A return visit opens at the first unread post, under a divider; the
  // position is the one at opening, so the divider stays while reading.
  const readAtOpen = useRef<number | null>(null)
  if (data && readAtOpen.current === null) readAtOpen.current = data.thread.last_read_n ?? 0
  const lastRead = readAtOpen.current ?? 0
  const firstUnread = data && lastRead > 0 ? data.posts.find((p) => p.n > lastRead) : undefined
  const landed = useRef(false)
  useEffect(() => {
    if (!data || landed.current) return
    landed.current = true
    const unread = (data.thread.post_count ?? 0) - lastRead
    if (lastRead === 0 || unread <= 0 || location.hash) return
    if (!firstUnread) {
      if (!q.get('page')) navigate(`${location.pathname}${location.search}#p${lastRead + 1}`, { replace: true })
      return
    }
    requestAnimationFrame(() => {
      const el = document.getElementById('forum-unread-divider')
      el?.scrollIntoView({ block: 'start' })
      el?.focus({ preventScroll: true })
    })
    announce(tf.unreadLanded(unread))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- lands on the first unread post once per loaded thread, not on every navigation or render
  }, [data])

  if (missing) return <ThreadNotFound />
  if (error) return <ErrorAlert text={error} />
  if (!data) return <Loading />
  const thread = data.thread
  const closed = thread.locked || data.category.archived
  const canReply = !closed
  const onPage = (n: number) => data.posts.some((p) => p.n === n)

  const keyFor = (parent: Post | null) => (parent ? `reply:${id}:${parent.id}` : `reply:${id}`)
  const setText = (key: string, v: string) => setTexts((x) => ({ ...x, [key]: v }))
  const addAtt = (key: string) => (a: Attachment) => setAtts((x) => ({ ...x, [key]: [...(x[key] ?? []), a] }))
  const attIds = (key: string, body: string) => (atts[key] ?? []).filter((a) => body.includes(a.url)).map((a) => a.id)

  const focusPost = (n: number) => {
    requestAnimationFrame(() => {
      const el = document.getElementById('p' + n)
      el?.scrollIntoView({ block: 'nearest' })
      el?.focus({ preventScroll: true })
    })
  }

  const submitReply = (parent: Post | null) => async (e: FormEvent) => {
    e.preventDefault()
    const key = keyFor(parent)
    const body = texts[key] ?? ''
    if (!body.trim()) {
      setFormErr((x) => ({ ...x, [key]: tf.bodyRequired }))
      return
    }
    setBusy(key)
    setFormErr((x) => ({ ...x, [key]: '' }))
    try {
      const p = await forumApi.reply(id, { body, parent_id: parent?.id, attachment_ids: attIds(key, body) })
      const now = textsRef.current[key] ?? ''
      if (now === body) {
        await clearDraft(userId, key)
        setText(key, '')
      } else {
        // Typed on while the reply was sending: keep what was added (its draft saves itself).
        setText(key, now.startsWith(body) ? now.slice(body.length).replace(/^\s+/, '') : now)
      }
      setAtts((x) => ({ ...x, [key]: [] }))
      if (parent) setReplyTo(null)
      const d = dataRef.current
      if (d && !d.posts.some((x) => x.id === p.id)) {
        const i = insertIndex(d, p)
        const nd = i < 0 ? { ...d, total: d.total + 1 } : { ...d, total: d.total + 1, posts: [...d.posts.slice(0, i), p, ...d.posts.slice(i)] }
        commit(nd)
        if (i < 0) {
          navigate(`/forum/p/${p.id}`)
          return
        }
      }
      focusPost(p.n)
    } catch (err) {
      const msg = err instanceof ApiError && err.fields.body ? err.fields.body : err instanceof ApiError && err.fields.parent_id ? err.fields.parent_id : apiErrorMessage(err, t)
      setFormErr((x) => ({ ...x, [key]: msg }))
    } finally {
      setBusy(null)
    }
  }

  const replacePost = (p: Post) => {
    const d = dataRef.current
    if (!d) return
    const nd = { ...d, posts: d.posts.map((x) => (x.id === p.id ? { ...p, can_edit: p.can_edit ?? x.can_edit } : x)) }
    commit(nd)
  }

  const submitEdit = (p: Post) => async (e: FormEvent) => {
    e.preventDefault()
    const key = `edit:${p.id}`
    const body = texts[key] ?? p.body
    if (!body.trim()) {
      setFormErr((x) => ({ ...x, [key]: tf.bodyRequired }))
      return
    }
    setBusy(key)
    try {
      const np = await forumApi.editPost(p.id, body)
      await clearDraft(userId, key)
      setText(key, '')
      replacePost(np)
      setEditing(null)
      focusPost(p.n)
    } catch (err) {
      setFormErr((x) => ({ ...x, [key]: err instanceof ApiError && err.fields.body ? err.fields.body : apiErrorMessage(err, t) }))
    } finally {
      setBusy(null)
    }
  }

  const actions: PostActions = {
    onReply: (p) => {
      setReplyTo(p)
      setEditing(null)
    },
    onQuote: (p, sel) => {
      const key = keyFor(p)
      setReplyTo(p)
      setEditing(null)
      setTexts((x) => ({ ...x, [key]: appendBlock(x[key] ?? '', quoteMarkdown(sel, tf.quoteWrote(p.author_name))) }))
    },
    onEdit: (p) => {
      setEditing(p.id)
      setReplyTo(null)
      setTexts((x) => ({ ...x, [`edit:${p.id}`]: x[`edit:${p.id}`] || p.body }))
    },
    onDelete: (p, reason) =>
      forumApi.deletePost(p.id, reason).then(() =>
        replacePost({ ...p, deleted: true, delete_reason: reason.trim() || undefined, body: '', html: '', can_edit: false, reactions: {}, attachments: [] }),
      ),
    onReact: (p, kind, on) => {
      forumApi.react(p.id, kind, on).then(
        (np) => replacePost({ ...np, mine: np.mine ?? (on ? [...(p.mine ?? []), kind] : (p.mine ?? []).filter((k) => k !== kind)) }),
        (err) => setNotice(apiErrorMessage(err, t)),
      )
    },
  }

  const toggle = (field: 'locked' | 'pinned' | 'following') => {
    if (field === 'following') {
      const on = !thread.following
      forumApi.followThread(id, on).then(
        () => {
          setData((d) => (d ? { ...d, thread: { ...d.thread, following: on } } : d))
          announce(on ? tf.followed : tf.unfollowed)
        },
        (err) => setNotice(apiErrorMessage(err, t)),
      )
      return
    }
    forumApi.updateThread(id, { [field]: !thread[field] }).then(
      (ts) => setData((d) => (d ? { ...d, thread: { ...d.thread, ...ts, following: d.thread.following } } : d)),
      (err) => setNotice(apiErrorMessage(err, t)),
    )
  }

  const composerFor = (parent: Post | null) => {
    const key = keyFor(parent)
    return (
      <form className="forum-reply-form mt-2" onSubmit={submitReply(parent)} noValidate>
        <Composer
          draftKey={key}
          label={parent ? tf.replyingTo(parent.n, parent.author_name) : tf.replyToThread}
          value={texts[key] ?? ''}
          onChange={(v) => setText(key, v)}
          onAttachment={addAtt(key)}
          error={formErr[key] || undefined}
          autoFocus={!!parent}
          textareaRef={parent ? undefined : mainRef}
          required
        />
        <div className="d-flex gap-2">
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy === key}>
            {tf.composer.submit}
          </button>
          {parent ? (
            <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setReplyTo(null)}>
              {t.common.cancel}
            </button>
          ) : null}
        </div>
      </form>
    )
  }

  /** What was typed in a composer a lock closed: kept, read only, to copy. */
  const keptText = (key: string) => {
    const text = texts[key] ?? ''
    if (!text.trim()) return null
    return (
      <div className="form-group" data-testid="kept-text">
        <label htmlFor={`kept-${key}`} className="active">
          {t.curation.keptText}
        </label>
        <textarea id={`kept-${key}`} className="form-control" readOnly rows={4} value={text} aria-describedby={`kept-${key}-hint`} />
        <small id={`kept-${key}-hint`} className="form-text">
          {t.curation.keptTextHint}
        </small>
      </div>
    )
  }

  const viewHref = (v: 'tree' | 'flat') => `/forum/t/${id}${v === 'flat' ? '?view=flat' : ''}`

  return (
    <div className="forum-thread">
      {region}
      <nav aria-label="breadcrumb" className="breadcrumb-container">
        <ol className="breadcrumb">
          <li className="breadcrumb-item">
            <Link to="/forum">{tf.title}</Link>
            <span className="separator">/</span>
          </li>
          <li className="breadcrumb-item">
            <Link to={`/forum/c/${data.category.id}`}>{data.category.name}</Link>
          </li>
        </ol>
      </nav>
      <h1 className="mb-2">{thread.title}</h1>
      <p className="mb-3 d-flex flex-wrap gap-2 align-items-center">
        {thread.pinned ? <span className="badge bg-secondary">{tf.pinned}</span> : null}
        {thread.locked ? <span className="badge bg-danger">{tf.locked}</span> : null}
        {(thread.tags ?? []).map((tag) => (
          <span key={tag} className="chip chip-simple chip-sm mb-0">
            <span className="chip-label">{tag}</span>
          </span>
        ))}
      </p>
      <div className="d-flex flex-wrap gap-2 mb-3 align-items-center">
        <button type="button" className="btn btn-outline-primary btn-sm" aria-pressed={!!thread.following} onClick={() => toggle('following')}>
          {thread.following ? tf.unfollow : tf.follow}
        </button>
        {isMod ? (
          <>
            <button type="button" className="btn btn-outline-secondary btn-sm" onClick={() => toggle('locked')}>
              {thread.locked ? tf.unlock : tf.lock}
            </button>
            <button type="button" className="btn btn-outline-secondary btn-sm" onClick={() => toggle('pinned')}>
              {thread.pinned ? tf.unpin : tf.pin}
            </button>
            <div role="group" aria-label={t.curation.tools} className="d-flex flex-wrap gap-2">
              {(['edit', 'move', 'merge', 'split', 'closeAt', 'pinUntil'] as const).map((m) => (
                <button key={m} type="button" className="btn btn-outline-secondary btn-sm" aria-haspopup="dialog" onClick={() => setCurating(m)}>
                  {t.curation[m]}
                </button>
              ))}
            </div>
          </>
        ) : null}
        <nav aria-label={tf.viewLabel} className="ms-auto">
          <ul className="list-inline mb-0">
            <li className="list-inline-item">
              <Link to={viewHref('tree')} aria-current={view === 'tree' ? 'page' : undefined} className={view === 'tree' ? 'fw-bold' : ''}>
                {tf.viewTree}
              </Link>
            </li>
            <li className="list-inline-item">
              <Link to={viewHref('flat')} aria-current={view === 'flat' ? 'page' : undefined} className={view === 'flat' ? 'fw-bold' : ''}>
                {tf.viewFlat}
              </Link>
            </li>
          </ul>
        </nav>
      </div>
      {thread.closes_at && !thread.locked ? <p className="mb-2">{t.curation.scheduledClose(formatDateTime(thread.closes_at, lang))}</p> : null}
      {thread.pinned && thread.pinned_until ? <p className="mb-2">{t.curation.pinnedUntil(formatDateTime(thread.pinned_until, lang))}</p> : null}
      {isMod ? (
        <CurationDialog
          mode={curating}
          thread={thread}
          posts={data.posts}
          onClose={() => setCurating(null)}
          onDone={(mode, res) => {
            setCurating(null)
            if (mode === 'merge' || mode === 'split') {
              navigate(`/forum/t/${res.id}`)
              return
            }
            setData((d) => (d ? { ...d, thread: { ...d.thread, ...res, following: d.thread.following } } : d))
            if (mode === 'move') {
              forumApi.categories().then(
                (cs) => setData((d) => (d ? { ...d, category: cs.find((c) => c.id === res.category_id) ?? d.category } : d)),
                () => undefined,
              )
            }
          }}
        />
      ) : null}
      {notice ? (
        <div className="alert alert-warning" role="alert">
          {notice}
        </div>
      ) : null}
      <Pagination page={data.page} total={data.total} perPage={data.per_page} />
      <h2 className="visually-hidden">{tf.posts}</h2>
      <div className="forum-posts">
        {data.posts.map((p) => (
          <Fragment key={p.id}>
            {p === firstUnread ? (
              <p id="forum-unread-divider" className="forum-unread-divider" tabIndex={-1}>
                <span>{tf.unreadDivider}</span>
              </p>
            ) : null}
            <PostItem
              post={p}
              threadId={id}
              view={view}
              indent={view === 'flat' ? 0 : MAX_INDENT}
              onPage={onPage}
              canReply={canReply}
              isNew={fresh.has(p.id) || (!!thread.last_read_n && p.n > thread.last_read_n && p.author_id !== userId)}
              actions={actions}
            >
              {editing === p.id ? (
                <form className="mt-2" onSubmit={submitEdit(p)} noValidate>
                  <Composer
                    draftKey={`edit:${p.id}`}
                    label={tf.editLabel(p.n)}
                    value={texts[`edit:${p.id}`] ?? p.body}
                    initial={p.body}
                    onChange={(v) => setText(`edit:${p.id}`, v)}
                    error={formErr[`edit:${p.id}`] || undefined}
                    autoFocus
                    required
                  />
                  <div className="d-flex gap-2">
                    <button type="submit" className="btn btn-primary btn-sm" disabled={busy === `edit:${p.id}`}>
                      {tf.saveEdit}
                    </button>
                    <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => setEditing(null)}>
                      {t.common.cancel}
                    </button>
                  </div>
                </form>
              ) : null}
              {replyTo?.id === p.id && canReply ? composerFor(p) : null}
            </PostItem>
          </Fragment>
        ))}
      </div>
      {below > 0 ? (
        <p className="alert alert-info">
          <Link to={`/forum/t/${id}?${view === 'flat' ? 'view=flat&' : ''}page=${Math.ceil(data.total / data.per_page)}`}>{tf.newPostsBelow(below)}</Link>
        </p>
      ) : null}
      <Pagination page={data.page} total={data.total} perPage={data.per_page} />
      <section className="mt-4" aria-labelledby="reply-title">
        <h2 id="reply-title" className="h4">
          {tf.replyToThread}
        </h2>
        {thread.locked ? (
          <>
            <p className="alert alert-warning" role="status">
              {tf.lockedNotice}
            </p>
            {keptText(keyFor(null))}
          </>
        ) : data.category.archived ? (
          <p className="alert alert-warning">{tf.archivedNotice}</p>
        ) : (
          composerFor(null)
        )}
      </section>
    </div>
  )
}
