import { useState, type FormEvent } from 'react'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import type { Post } from './api'
import { Dialog } from './common'

/**
 * Asks before a post is deleted, in a modal dialog (focus kept inside,
 * Escape cancels, focus back to the button that opened it). Moderators may
 * give a reason that readers see on the placeholder.
 */
export function DeletePostDialog({ post, open, moderator, onClose, onConfirm }: { post: Post; open: boolean; moderator: boolean; onClose: () => void; onConfirm: (reason: string) => Promise<void> }) {
  const { t } = useI18n()
  const tc = t.compose
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const base = `p${post.n}-delete`

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError('')
    onConfirm(moderator ? reason : '').then(
      () => {
        setBusy(false)
        onClose()
      },
      (err: unknown) => {
        setBusy(false)
        setError(apiErrorMessage(err, t))
      },
    )
  }
  return (
    <Dialog open={open} title={tc.deleteTitle(post.n)} onClose={onClose}>
      <form onSubmit={submit} noValidate data-testid="delete-dialog">
        <p id={base + '-body'}>{tc.deleteBody}</p>
        {error ? (
          <p className="text-danger" role="alert">
            {error}
          </p>
        ) : null}
        {moderator ? (
          <div className="form-group">
            <label htmlFor={base + '-reason'} className="active">
              {tc.deleteReason}
            </label>
            <textarea
              id={base + '-reason'}
              className="form-control"
              rows={2}
              maxLength={500}
              value={reason}
              aria-describedby={base + '-reason-hint'}
              onChange={(e) => setReason(e.target.value)}
            />
            <small id={base + '-reason-hint'} className="form-text">
              {tc.deleteReasonHint}
            </small>
          </div>
        ) : null}
        <div className="d-flex flex-wrap gap-2">
          <button type="submit" className="btn btn-danger btn-sm" disabled={busy}>
            {busy ? tc.deleting : tc.deleteConfirm}
          </button>
          <button type="button" className="btn btn-outline-primary btn-sm" onClick={onClose}>
            {t.common.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
