import { useEffect, useRef, useState } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { forumApi, REACTIONS, type HistoryEntry, type Post, type ReactionKind } from './api'
import { DateTime, Dialog } from './common'
import { useSession } from '../session/SessionContext'
import { DeletePostDialog } from './DeletePostDialog'
import { AttachmentList, HistoryList } from './PostParts'
import { DeletedContent } from './DeletedContent'
import { HiddenNotice, veiled } from '../moderation/Hidden'
import { ReportDialog } from '../moderation/ReportDialog'
import { moderationApi } from '../moderation/api'

export interface PostActions {
  onReply: (p: Post) => void
  onQuote: (p: Post, selection: string) => void
  onEdit: (p: Post) => void
  /** Deletes after the dialog's confirmation; rejects with the API error to show there. */
  onDelete: (p: Post, reason: string) => Promise<void>
  onReact: (p: Post, kind: ReactionKind, on: boolean) => void
}

/** The text selected inside this post's body, if any. */
function selectionIn(el: HTMLElement | null): string {
  const sel = window.getSelection()
  if (!el || !sel || sel.isCollapsed || sel.rangeCount === 0) return ''
  const r = sel.getRangeAt(0)
  return el.contains(r.commonAncestorContainer) ? sel.toString() : ''
}

export function PostItem({
  post,
  threadId,
  view,
  indent,
  onPage,
  canReply,
  isNew,
  actions,
  children,
}: {
  post: Post
  threadId: string
  view: 'tree' | 'flat'
  indent: number
  onPage: (n: number) => boolean
  canReply: boolean
  isNew: boolean
  actions: PostActions
  children?: React.ReactNode
}) {
  const { t, dateTime } = useI18n()
  const tf = t.forum
  const [history, setHistory] = useState<HistoryEntry[] | null>(null)
  const [histOpen, setHistOpen] = useState(false)
  const [histErr, setHistErr] = useState('')
  const [bodyEl, setBodyEl] = useState<HTMLDivElement | null>(null)
  const [deleting, setDeleting] = useState(false)
  const [reporting, setReporting] = useState(false)
  const [reportedNote, setReportedNote] = useState('')
  const { user } = useSession()
  const isMod = user?.role === 'moderator' || user?.role === 'admin'
  // After a deletion from this post's dialog, the button that opened it is gone: the placeholder
  // takes the focus (once the dialog, which makes the rest of the page inert, is gone too).
  const focusPlaceholder = useRef(false)
  useEffect(() => {
    if (!post.deleted || !focusPlaceholder.current) return
    focusPlaceholder.current = false
    document.getElementById(`p${post.n}`)?.focus()
  }, [post.deleted, post.n])
  // Replies whose parent is not just above them get an "in reply to" link.
  const showReplyTo = post.reply_to_n > 0 && (view === 'flat' || post.depth >= indent)
  const openHistory = () => {
    setHistOpen(true)
    setHistErr('')
    forumApi.history(post.id).then(setHistory, (e) => setHistErr(apiErrorMessage(e, t)))
  }
  const mine = post.mine ?? []
  const titleId = `p${post.n}-title`
  return (
    <article
      id={`p${post.n}`}
      className={'forum-post' + (post.deleted ? ' forum-post-deleted' : '') + (isNew ? ' forum-post-new' : '')}
      style={{ marginInlineStart: `${Math.min(post.depth, indent) * 1.5}rem` }}
      aria-labelledby={titleId}
      data-post-n={post.n}
      data-testid={`post-${post.n}`}
      tabIndex={-1}
    >
      <header className="forum-post-head d-flex flex-wrap align-items-baseline gap-2">
        <h3 id={titleId} className="h6 mb-0">
          <span className="visually-hidden">{tf.postBy(post.n, post.author_name)}</span>
          <span aria-hidden="true">
            <strong>{post.author_name}</strong>
          </span>
        </h3>
        {isMod && post.author_id ? (
          <Link className="small" to={`/moderazione/utenti/${encodeURIComponent(post.author_id)}`} aria-label={`${t.curation.moderateUser}: ${post.author_name}`}>
            {t.curation.moderateUser}
          </Link>
        ) : null}
        {post.administration_name ? (
          <span className="forum-admin small text-muted-accessible">
            {post.administration_name}
            {post.administration_ipa ? ` (${post.administration_ipa})` : ''}
          </span>
        ) : null}
        <span className="small">
          <DateTime value={post.created_at} />
        </span>
        {showReplyTo ? (
          onPage(post.reply_to_n) ? (
            <a className="small forum-reply-to" href={`#p${post.reply_to_n}`} onClick={(e) => jumpTo(e, post.reply_to_n)}>
              {tf.inReplyTo(post.reply_to_n)}
            </a>
          ) : (
            <Link className="small forum-reply-to" to={`/forum/p/${threadId}-${post.reply_to_n}`}>
              {tf.inReplyTo(post.reply_to_n)}
            </Link>
          )
        ) : null}
        {post.edit_count > 0 && !post.deleted ? (
          <button type="button" className="btn btn-link btn-sm p-0 forum-edited" onClick={openHistory} title={post.edited_at ? dateTime(post.edited_at) : undefined} aria-label={tf.editedTitle(post.edit_count)}>
            ({tf.edited})
          </button>
        ) : null}
        {isNew ? <span className="badge bg-primary">{tf.isNew}</span> : null}
        <Link className="small ms-auto forum-permalink" to={`/forum/t/${threadId}#p${post.n}`} aria-label={tf.permalink(post.n)}>
          #{post.n}
        </Link>
      </header>
      {post.deleted ? (
        <>
          <p className="fst-italic text-muted-accessible mb-2" data-testid="deleted-placeholder">
            {post.delete_reason ? t.compose.deletedByModerator(post.delete_reason) : tf.deleted}
          </p>
          {isMod ? <DeletedContent key={post.id} post={post} /> : null}
        </>
      ) : veiled(post) ? (
        <HiddenNotice />
      ) : (
        <>
          {post.hidden ? <HiddenNotice reason={post.hidden_reason} /> : null}
          {/* Server-rendered and sanitised markdown (the API contract: Post.html). */}
          <div ref={setBodyEl} className="forum-post-body" dangerouslySetInnerHTML={{ __html: post.html }} />
          <AttachmentList attachments={post.attachments} />
          <div className="forum-reactions d-flex flex-wrap gap-1 mb-2" role="group" aria-label={tf.reactionsLabel}>
            {REACTIONS.map((k) => {
              const r = post.reactions?.[k]
              const count = r?.count ?? 0
              const pressed = mine.includes(k)
              const who = r && r.users.length > 0 ? tf.reactedBy(r.users.map((u) => u.name).join(', ')) : tf.nobodyReacted
              const whoId = `p${post.n}-r-${k}`
              return (
                <span key={k}>
                  <button
                    type="button"
                    className={'btn btn-xs reaction ' + (pressed ? 'btn-primary' : 'btn-outline-primary')}
                    aria-pressed={pressed}
                    aria-describedby={whoId}
                    title={who}
                    data-reaction={k}
                    onClick={() => actions.onReact(post, k, !pressed)}
                  >
                    {tf.reactions[k]} <span className="reaction-count">{count}</span>
                  </button>
                  <span id={whoId} className="visually-hidden">
                    {who}
                  </span>
                </span>
              )
            })}
          </div>
          <div className="forum-post-actions d-flex flex-wrap gap-2">
            {canReply ? (
              <>
                <button type="button" className="btn btn-link btn-sm p-0" aria-label={tf.replyTo(post.n, post.author_name)} onClick={() => actions.onReply(post)}>
                  {tf.reply}
                </button>
                <button
                  type="button"
                  className="btn btn-link btn-sm p-0"
                  aria-label={tf.quoteLabel(post.n)}
                  onMouseDown={(e) => e.preventDefault() /* keep the selection */}
                  onClick={() => actions.onQuote(post, selectionIn(bodyEl) || post.body)}
                >
                  {tf.quote}
                </button>
              </>
            ) : null}
            {post.can_edit ? (
              <>
                <button type="button" className="btn btn-link btn-sm p-0" aria-label={tf.editLabel(post.n)} onClick={() => actions.onEdit(post)}>
                  {tf.edit}
                </button>
                <button type="button" className="btn btn-link btn-sm p-0 text-danger" aria-label={tf.deleteLabel(post.n)} onClick={() => setDeleting(true)}>
                  {tf.delete}
                </button>
              </>
            ) : null}
            {user && post.author_id !== user.id && !post.hidden ? (
              <button type="button" className="btn btn-link btn-sm p-0" aria-label={t.moderation.reportLabel(tf.postBy(post.n, post.author_name))} onClick={() => setReporting(true)}>
                {t.moderation.report}
              </button>
            ) : null}
          </div>
          {reportedNote ? (
            <p className="small text-success mb-1" role="status">
              {reportedNote}
            </p>
          ) : null}
        </>
      )}
      {children}
      <ReportDialog
        open={reporting}
        onClose={() => setReporting(false)}
        onSend={(reason, text) => moderationApi.report('post', post.id, reason, text).then(() => setReportedNote(t.moderation.reported))}
      />
      <Dialog open={histOpen} title={tf.history} onClose={() => setHistOpen(false)}>
        {histErr ? <p className="text-danger">{histErr}</p> : null}
        {history === null && !histErr ? <p>{t.common.loading}</p> : null}
        {history && history.length === 0 ? <p>{tf.historyEmpty}</p> : null}
        {history && history.length > 0 ? <HistoryList history={history} current={post.body} /> : null}
      </Dialog>
      {post.can_edit && !post.deleted ? (
        <DeletePostDialog
          post={post}
          open={deleting}
          moderator={isMod}
          onClose={() => setDeleting(false)}
          onConfirm={(reason) => {
            focusPlaceholder.current = true
            return actions.onDelete(post, reason).catch((err: unknown) => {
              focusPlaceholder.current = false
              throw err
            })
          }}
        />
      ) : null}
    </article>
  )
}

/** "in reply to #n" on this page: scroll to it and move the focus there (the user asked). */
function jumpTo(e: React.MouseEvent, n: number) {
  e.preventDefault()
  const el = document.getElementById('p' + n)
  el?.scrollIntoView({ block: 'start' })
  el?.focus({ preventScroll: true })
  history.replaceState(history.state, '', '#p' + n)
}
