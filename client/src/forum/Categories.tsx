import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { forumApi, sortCategories, type Category } from './api'
import { DateTime, ErrorAlert } from './common'

export default function Categories() {
  const { t } = useI18n()
  const tf = t.forum
  const { user } = useSession()
  const isAdmin = user?.role === 'admin'
  const [cats, setCats] = useState<Category[] | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    forumApi.categories().then((l) => setCats(sortCategories(l)), (e) => setError(apiErrorMessage(e, t)))
    // eslint-disable-next-line react-hooks/exhaustive-deps -- t only words the error: a language switch need not refetch
  }, [])

  return (
    <Page title={tf.title} lead={tf.lead}>
      <div className="d-flex flex-wrap gap-2 mb-4">
        <Link to="/forum/nuova" className="btn btn-primary">
          {tf.newThread}
        </Link>
        <Link to="/cerca" className="btn btn-outline-primary">
          {tf.search.nav}
        </Link>
        {isAdmin ? (
          <Link to="/admin#admin-categories" className="btn btn-outline-secondary">
            {tf.admin.title}
          </Link>
        ) : null}
      </div>
      <ErrorAlert text={error} />
      {!cats ? (
        error ? null : <Loading />
      ) : (
        <>
          <h2 className="h3">{tf.categories}</h2>
          {cats.length === 0 ? <p>{tf.noCategories}</p> : null}
          <ul className="list-unstyled forum-categories">
            {cats.map((c) => (
              <li key={c.id} className={'forum-category border-bottom py-3' + (c.archived ? ' forum-archived' : '')} data-testid={`category-${c.id}`}>
                <h3 className="h5 mb-1">
                  <Link to={`/forum/c/${c.id}`}>{c.name}</Link>
                  {c.archived ? <span className="badge bg-secondary ms-2">{tf.archived}</span> : null}
                </h3>
                {c.description ? <p className="mb-1">{c.description}</p> : null}
                <p className="small mb-0 text-muted-accessible">
                  {tf.threadCount(c.thread_count)} · {tf.postCount(c.post_count)} · {tf.lastActivity}:{' '}
                  {c.last_activity_at ? <DateTime value={c.last_activity_at} /> : tf.noActivity}
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
    </Page>
  )
}
