import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { Page } from '../components/Page'

/** A thread that does not exist (or no longer does): a heading and the way back. */
export function ThreadNotFound() {
  const { t } = useI18n()
  return (
    <Page title={t.compose.threadNotFoundTitle} narrow>
      <p>{t.compose.threadNotFoundLead}</p>
      <Link to="/forum" className="btn btn-primary" data-testid="back-to-forum">
        {t.compose.backToForum}
      </Link>
    </Page>
  )
}
