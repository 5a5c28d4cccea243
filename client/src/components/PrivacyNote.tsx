import { Link } from 'react-router-dom'
import { useT } from '../i18n'

/** Where a form collects personal data: the link to the privacy notice. */
export function PrivacyNote() {
  const n = useT().legal.formNote
  return (
    <p className="small" data-testid="privacy-note">
      {n.before}
      <Link to="/privacy">{n.link}</Link>
      {n.after}
    </p>
  )
}
