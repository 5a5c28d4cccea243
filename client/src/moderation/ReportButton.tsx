import { useState } from 'react'
import { useT } from '../i18n'
import { ReportDialog } from './ReportDialog'
import { moderationApi } from './api'

/**
 * "Segnala": a link-styled button that opens the report dialog for one
 * item (kind and id as the API names them) and says when the report went.
 * label names the item for screen readers ("Segnala il commento di Anna…").
 */
export function ReportButton({ kind, id, label }: { kind: string; id: string; label: string }) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const [sent, setSent] = useState(false)
  return (
    <>
      <button type="button" className="btn btn-link btn-sm p-0" aria-label={label} onClick={() => setOpen(true)}>
        {t.moderation.report}
      </button>
      {sent ? (
        <p className="small text-success mb-1" role="status">
          {t.moderation.reported}
        </p>
      ) : null}
      <ReportDialog open={open} onClose={() => setOpen(false)} onSend={(reason, text) => moderationApi.report(kind, id, reason, text).then(() => setSent(true))} />
    </>
  )
}
