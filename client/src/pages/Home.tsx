import { Link } from 'react-router-dom'
import { isActive } from '../api/types'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { Loading, Page } from '../components/Page'
import { ForumSlot } from './home/ForumSlot'

export default function Home() {
  const { t, date } = useI18n()
  const { loaded, user, enrolment } = useSession()
  if (!loaded) return <Loading />
  if (user && isActive(user)) {
    return (
      <Page title={t.account.home.welcome(user.name)} lead={user.administration_name ? t.account.home.dashboardLead(user.administration_name) : undefined}>
        <ForumSlot />
      </Page>
    )
  }
  const h = t.account.home
  return (
    <Page title={h.title} lead={h.lead}>
      <ul className="mb-4">
        {h.points.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p>
        <strong>
          {enrolment.open ? (enrolment.deadline ? h.enrolOpen(date(enrolment.deadline)) : h.enrolOpenNoDeadline) : h.enrolClosed}
        </strong>
      </p>
      <div className="d-flex flex-wrap gap-3 mt-4">
        {enrolment.open ? (
          <Link to="/iscrizione" className="btn btn-primary">
            {t.common.enrol}
          </Link>
        ) : null}
        <Link to="/login" className={enrolment.open ? 'btn btn-outline-primary' : 'btn btn-primary'}>
          {t.common.login}
        </Link>
      </div>
    </Page>
  )
}
