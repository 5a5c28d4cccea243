// The comments of one cell (one field of one experience) in a modal
// dialog: each says the value it was written about and, when that changed,
// the value now ("scritto su aperta, ora ristretta"); a form adds one. The
// comparison pages and the record page open it. While open it follows the
// record's topic: a comment a moderator hides turns into the placeholder at
// once (announced politely, the focus left where it is), and shows again
// on restore.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { isModerator } from '../components/guards'
import { DateTime, Dialog } from '../forum/common'
import { useTopic } from '../realtime/hooks'
import { compareApi, type CellComment } from './api'
import { applyModeration, mergeComments } from './comments'
import { ModeratedNotice } from '../moderation/Hidden'
import { ReportButton } from '../moderation/ReportButton'
import { useSession } from '../session/SessionContext'

/** The cell whose comments the dialog shows. */
export interface CommentCell {
  experienceId: string
  field: string
  /** The dialog's title: the field's label and the record's title. */
  title: string
}

export function CommentsDialog({
  cell,
  reloadKey,
  onClose,
  onAdded,
}: {
  cell: CommentCell | null
  /** Changes when the cell's record or its count changes: the list is read again. */
  reloadKey: string
  onClose: () => void
  onAdded: (c: CellComment) => void
}) {
  const { t } = useI18n()
  const { user } = useSession()
  const tc = t.compare
  const [items, setItems] = useState<CellComment[] | null>(null)
  const [error, setError] = useState('')
  const [body, setBody] = useState('')
  const [fieldError, setFieldError] = useState('')
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState('')
  const [news, setNews] = useState('')
  const [refresh, setRefresh] = useState(0)
  const exp = cell?.experienceId ?? ''
  const field = cell?.field ?? ''
  const itemsRef = useRef(items)
  itemsRef.current = items

  useEffect(() => {
    setItems(null)
    setBody('')
    setFieldError('')
    setDone('')
    setNews('')
    setError('')
  }, [exp, field])

  // Loaded on open, and again when the cell's record or its comments change
  // (live); only the last answer counts, so an older one never brings back
  // the text of a comment hidden meanwhile.
  useEffect(() => {
    if (!exp) return
    let gone = false
    compareApi.comments(exp, field).then(
      (r) => !gone && setItems((old) => mergeComments(old ?? [], r.items)),
      (e: unknown) => !gone && setError(apiErrorMessage(e, t)),
    )
    return () => {
      gone = true
    }
  }, [exp, field, reloadKey, refresh, t])

  const onEvent = useCallback(
    (ev: { event: string; data: unknown }) => {
      const c = ev.data as CellComment
      if (c.field !== field) return
      if (ev.event === 'comment.updated') {
        const old = itemsRef.current
        if (old) {
          const r = applyModeration(old, c, !!user && (user.id === c.author.id || isModerator(user)))
          itemsRef.current = r.list
          setItems(r.list)
          if (r.change) setNews(r.change === 'withdrawn' ? tc.commentWithdrawn : tc.commentRestored)
        }
      }
      // Each reader's own view (its language, its author's reason) follows.
      if (ev.event === 'comment.updated' || ev.event === 'comment.created') setRefresh((n) => n + 1)
    },
    [field, user, tc],
  )
  useTopic(exp ? 'experience:' + exp : null, 'live', onEvent, () => setRefresh((n) => n + 1))

  const submit = (e: FormEvent) => {
    e.preventDefault()
    const text = body.trim()
    if (!text) {
      setFieldError(tc.commentRequired)
      return
    }
    setBusy(true)
    setFieldError('')
    setDone('')
    compareApi.comment(exp, field, text).then(
      (c) => {
        setBusy(false)
        setBody('')
        setItems((old) => mergeComments(old ?? [], [c]))
        setDone(tc.commentAdded)
        onAdded(c)
      },
      (err: unknown) => {
        setBusy(false)
        setFieldError(apiErrorMessage(err, t))
      },
    )
  }

  return (
    <Dialog open={cell !== null} title={cell?.title ?? ''} onClose={onClose}>
      <div data-testid="comments-dialog">
        <p className="visually-hidden" role="status" aria-live="polite" data-testid="comments-news">
          {news}
        </p>
        {error ? (
          <p className="text-danger" role="alert">
            {error}
          </p>
        ) : null}
        {items === null && !error ? <p>{t.common.loading}</p> : null}
        {items?.length === 0 ? <p>{tc.noComments}</p> : null}
        {items?.length ? (
          <ol className="list-unstyled compare-comment-list">
            {items.map((c) => (
              <li key={c.id} className="compare-comment" data-testid="cell-comment">
                <p className="small mb-1">
                  <strong>{c.author.name}</strong> ({c.author.administration_name}), <DateTime value={c.created_at} />
                </p>
                <p className="small mb-1 compare-comment-value" data-testid="comment-value">
                  {tc.writtenOn} <em>{c.value_then || tc.emptyText}</em>
                  {c.changed ? (
                    <>
                      , {tc.nowIs} <em>{c.value_now || tc.emptyText}</em>
                    </>
                  ) : null}
                </p>
                {c.moderated ? <ModeratedNotice moderated={c.moderated} /> : null}
                {/* body_html is sanitised on the server like forum posts ("" for a placeholder). */}
                {c.body_html ? <div className="compare-comment-body" dangerouslySetInnerHTML={{ __html: c.body_html }} /> : null}
                {user && user.id !== c.author.id ? (
                  <ReportButton kind="cell_comment" id={c.moderation_id} label={t.moderation.reportLabel(t.moderation.commentWhat(c.author.name))} closed={!!c.moderated} />
                ) : null}
              </li>
            ))}
          </ol>
        ) : null}
        <form onSubmit={submit} noValidate className="mt-3">
          <div className="form-group mb-2">
            <label htmlFor="cell-comment-body" className="active">
              {tc.commentBody}
            </label>
            <textarea
              id="cell-comment-body"
              className={'form-control' + (fieldError ? ' is-invalid' : '')}
              rows={3}
              maxLength={2000}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={'cell-comment-hint' + (fieldError ? ' cell-comment-error' : '')}
            />
            <small id="cell-comment-hint" className="form-text">
              {tc.commentHint}
            </small>
            {fieldError ? (
              <div id="cell-comment-error" className="invalid-feedback d-block" role="alert">
                {fieldError}
              </div>
            ) : null}
          </div>
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
            {tc.send}
          </button>
          <p className="small mt-2 mb-0" role="status">
            {done}
          </p>
        </form>
      </div>
    </Dialog>
  )
}
