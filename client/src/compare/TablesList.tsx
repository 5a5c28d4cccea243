// /tavoli: the saved tables, newest first.
import { useEffect, useState } from 'react'
import { Link } from 'react-router-dom'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'
import { ErrorAlert } from '../forum/common'
import { compareApi, type Table } from './api'

export default function TablesList() {
  const { t, date } = useI18n()
  const tc = t.compare
  const [items, setItems] = useState<Table[] | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    compareApi.tables().then(
      (r) => setItems(r.items),
      (e: unknown) => setError(apiErrorMessage(e, t)),
    )
  }, [t])
  return (
    <Page title={tc.tablesTitle} lead={tc.tablesLead}>
      <ErrorAlert text={error} />
      {items === null && !error ? <Loading /> : null}
      {items?.length === 0 ? (
        <p>
          {tc.noTables} <Link to="/esperienze">{tc.toExperiences}</Link>
        </p>
      ) : null}
      {items?.length ? (
        <>
          <h2 className="visually-hidden">{tc.tablesList}</h2>
          <ul className="list-unstyled compare-tables" data-testid="tables-list">
            {items.map((tb) => (
              <li key={tb.id} className="compare-tables-item py-3">
                <h3 className="h5 mb-1">
                  <Link to={'/tavoli/' + encodeURIComponent(tb.id)}>{tb.name}</Link>
                </h3>
                {tb.description ? <p className="mb-1 compare-description">{tb.description}</p> : null}
                <p className="small mb-0">
                  {tc.columnsCount(tb.experiences.length)} · {tc.ownedBy(tb.owner.name, tb.owner.administration_name)} · {tc.updatedAt(date(tb.updated_at))}
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Page>
  )
}
