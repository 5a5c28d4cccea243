import { Navigate } from 'react-router-dom'
import { isActive } from '../api/types'
import { useT } from '../i18n'
import { useSession } from '../session/SessionContext'
import { Page } from '../components/Page'

export default function Waiting() {
  const t = useT()
  const w = t.account.waiting
  const { user, refresh } = useSession()
  if (!user) return <Navigate to="/login" replace />
  if (isActive(user)) return <Navigate to="/" replace />
  const admin = user.administration_name || user.administration_ipa
  if (user.administration_status === 'rejected') {
    return (
      <Page title={w.rejectedTitle} narrow>
        <div className="alert alert-danger">
          <p className="mb-0">{w.rejected(admin)}</p>
          {user.administration_rejection_reason ? (
            <p className="mt-2 mb-0">
              <strong>{w.reason}:</strong> {user.administration_rejection_reason}
            </p>
          ) : null}
        </div>
      </Page>
    )
  }
  return (
    <Page title={w.title} narrow>
      <div className="alert alert-info">
        <p>{w.pending(admin)}</p>
        <p className="mb-0">{w.pendingNext}</p>
      </div>
      <button type="button" className="btn btn-outline-primary" onClick={() => void refresh()}>
        {w.check}
      </button>
    </Page>
  )
}
