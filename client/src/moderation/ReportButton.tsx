import { useState } from 'react'
import { useT } from '../i18n'
import { ReportDialog } from './ReportDialog'
import { moderationApi } from './api'

/**
 * "Segnala": a link-styled button that opens the report dialog for one
 * item (kind and id as the API names them) and says when the report went.
 * label names the item for screen readers ("Segnala il commento di Anna…").
 */
export function ReportButton({ kind, id, label, closed = false }: { kind: string; id: string; label: string; closed?: boolean }) {
  const t = useT()
  const [open, setOpen] = useState(false)
  const [sent, setSent] = useState(false)
  // closed: a moderator acted on the item (maybe at this very report); whoever sent one still reads that it went.
  if (closed && !open) return sent ? <p className="small text-success mb-1" role="status">{t.moderation.reported}</p> : null
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
