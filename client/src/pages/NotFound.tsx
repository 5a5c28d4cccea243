import { Link } from 'react-router-dom'
import { useT } from '../i18n'
import { Page } from '../components/Page'

export default function NotFound() {
  const t = useT()
  return (
    <Page title={t.common.notFound.title} narrow>
      <p>{t.common.notFound.body}</p>
      <Link to="/" className="btn btn-primary">
        {t.common.notFound.back}
      </Link>
    </Page>
  )
}
