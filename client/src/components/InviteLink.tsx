import { useState } from 'react'
import type { Invitation } from '../api/types'
import { useI18n } from '../i18n'
import { useUniqueId } from './forms'

/** A created invitation: the link in a read-only field with a copy button. */
export function InviteLink({ invitation }: { invitation: Invitation }) {
  const { t, dateTime } = useI18n()
  const id = useUniqueId('invite-link')
  const [copied, setCopied] = useState(false)
  const url = invitation.url || `${location.origin}/invito/${invitation.token}`
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url)
      setCopied(true)
    } catch {
      const el = document.getElementById(id) as HTMLInputElement | null
      el?.select()
    }
  }
  return (
    <div className="alert alert-success mt-4" role="status">
      <div className="form-group mb-2 mt-3">
        <label htmlFor={id} className="active">
          {t.account.profile.inviteLink}
        </label>
        <input id={id} className="form-control" readOnly value={url} aria-describedby={id + '-exp'} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <p id={id + '-exp'} className="mb-2">
        {t.account.profile.inviteExpires(dateTime(invitation.expires_at))}
      </p>
      <button type="button" className="btn btn-outline-primary btn-sm" onClick={() => void copy()}>
        {t.common.copy}
      </button>
      <span className="ms-2" aria-live="polite">
        {copied ? t.common.copied : ''}
      </span>
    </div>
  )
}
