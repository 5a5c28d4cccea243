// The comments of one cell (one field of one experience) in a modal
// dialog: each says the value it was written about and, when that changed,
// the value now ("scritto su aperta, ora ristretta"); a form adds one.
import { useEffect, useState, type FormEvent } from 'react'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { DateTime, Dialog } from '../forum/common'
import { compareApi, type CellComment, type CommentCounts, type Comparison } from './api'
import type { CellRef } from './CompareTable'
import { mergeComments } from './comments'
import { ModeratedNotice } from '../moderation/Hidden'
import { ReportButton } from '../moderation/ReportButton'
import { useSession } from '../session/SessionContext'

export function CommentsDialog({
  cell,
  comparison,
  counts,
  onClose,
  onAdded,
}: {
  cell: CellRef | null
  /** The comparison on screen and the comment counts: the list is read again when the cell's record or its count changes. */
  comparison: Comparison
  counts: CommentCounts
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
  const exp = cell?.column.id ?? ''
  const field = cell?.row.field ?? ''
  const reloadKey = `${comparison.columns.find((c) => c.id === exp)?.version ?? 0}:${counts[exp]?.[field] ?? 0}`

  useEffect(() => {
    setItems(null)
    setBody('')
    setFieldError('')
    setDone('')
    setError('')
  }, [exp, field])

  // Loaded on open, and again when the cell's record or its comments change (live).
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
  }, [exp, field, reloadKey, t])

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

  const title = cell ? tc.commentsTitle(cell.row.label, cell.column.titolo) : ''
  return (
    <Dialog open={cell !== null} title={title} onClose={onClose}>
      <div data-testid="comments-dialog">
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
                {user && user.id !== c.author.id && !c.moderated ? (
                  <ReportButton kind="cell_comment" id={c.moderation_id} label={t.moderation.reportLabel(t.moderation.commentWhat(c.author.name))} />
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
