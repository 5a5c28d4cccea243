import { useI18n } from '../i18n'
import { formatDateTime } from '../i18n/format'
import { useSession } from './SessionContext'

/** What a suspended user is told when logged out or refused at login: why, and until when. */
export function SuspensionNotice() {
  const { t, lang } = useI18n()
  const { suspension } = useSession()
  if (!suspension) return null
  const tn = t.curation.notice
  return (
    <div className="alert alert-danger" role="alert" data-testid="suspension-notice">
      <h2 className="h5">{tn.title}</h2>
      <p className="mb-1">{suspension.until ? tn.until(formatDateTime(suspension.until, lang)) : tn.indefinite}</p>
      {suspension.reason ? (
        <p className="mb-0">
          {tn.reason} <q>{suspension.reason}</q>
        </p>
      ) : null}
    </div>
  )
}
