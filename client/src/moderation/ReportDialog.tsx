import { useState, type FormEvent } from 'react'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Dialog } from '../forum/common'
import { REPORT_REASONS, type ReportReason } from './api'

/**
 * The report dialog of posts and room messages: a reason (radio buttons)
 * and details, required with "other". onSend rejects with the API error,
 * shown in the dialog (409: already reported).
 */
export function ReportDialog({ open, title, onClose, onSend }: { open: boolean; title?: string; onClose: () => void; onSend: (reason: ReportReason, text: string) => Promise<void> }) {
  const { t } = useI18n()
  const tm = t.moderation
  const [reason, setReason] = useState<ReportReason>('off_topic')
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const [textError, setTextError] = useState('')
  const close = () => {
    setError('')
    setTextError('')
    onClose()
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (reason === 'other' && !text.trim()) {
      setTextError(tm.reportTextMissing)
      document.getElementById('report-text')?.focus()
      return
    }
    setBusy(true)
    setError('')
    onSend(reason, text.trim()).then(
      () => {
        setBusy(false)
        setText('')
        close()
      },
      (err: unknown) => {
        setBusy(false)
        setError(apiErrorMessage(err, t))
      },
    )
  }
  return (
    <Dialog open={open} title={title ?? tm.reportTitle} onClose={close}>
      <form onSubmit={submit} noValidate>
        {error ? (
          <p className="text-danger" role="alert">
            {error}
          </p>
        ) : null}
        <fieldset className="mb-3">
          <legend className="h6">{tm.reportReason}</legend>
          {REPORT_REASONS.map((r) => (
            <div className="form-check" key={r}>
              <input className="form-check-input" type="radio" name="report-reason" id={'report-' + r} checked={reason === r} onChange={() => setReason(r)} />
              <label className="form-check-label" htmlFor={'report-' + r}>
                {tm.reasons[r]}
              </label>
            </div>
          ))}
        </fieldset>
        <div className="form-group">
          <label htmlFor="report-text" className="active">
            {reason === 'other' ? tm.reportTextRequired : tm.reportText}
          </label>
          <textarea
            id="report-text"
            className={'form-control' + (textError ? ' is-invalid' : '')}
            rows={2}
            maxLength={1000}
            value={text}
            aria-invalid={textError ? true : undefined}
            aria-describedby={textError ? 'report-text-error' : undefined}
            required={reason === 'other'}
            onChange={(e) => {
              setText(e.target.value)
              setTextError('')
            }}
          />
          {textError ? (
            <div id="report-text-error" className="invalid-feedback d-block">
              {textError}
            </div>
          ) : null}
        </div>
        <div className="d-flex flex-wrap gap-2">
          <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
            {tm.reportSend}
          </button>
          <button type="button" className="btn btn-outline-primary btn-sm" onClick={close}>
            {t.common.cancel}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
