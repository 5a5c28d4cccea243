import { useEffect, useState, type FormEvent } from 'react'
import { API_BASE, api } from '../api/client'
import type { components } from '../api/schema'
import { useI18n } from '../i18n'
import { apiErrorMessage } from '../components/forms'
import { Loading } from '../components/Page'

type AuditPage = components['schemas']['AuditPage']
type AuditEntry = components['schemas']['AuditEntry']

/** The filters a reader sets; empty strings are "any". */
export interface AuditFilters {
  actor: string
  action: string
  from: string
  to: string
}

const NO_FILTERS: AuditFilters = { actor: '', action: '', from: '', to: '' }

/** The query string of the filters (and the export's format), empty values left out. */
export function auditQuery(f: AuditFilters, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (String(v) !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? '?' + s : ''
}

/** A before/after change as one line: "locked: false → true". */
export function changeText(e: Pick<AuditEntry, 'before' | 'after'>): string {
  const show = (v: unknown) => (v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : String(v))
  const keys = [...new Set([...Object.keys(e.before ?? {}), ...Object.keys(e.after ?? {})])].sort()
  return keys.map((k) => `${k}: ${show((e.before as Record<string, unknown>)[k])} → ${show((e.after as Record<string, unknown>)[k])}`).join('; ')
}

/**
 * The audit log ("Registro attività"): filters, a page of entries newest
 * first, exports. refresh changes when an action on the page may have
 * added an entry.
 */
export function AuditLog({ refresh = 0 }: { refresh?: number }) {
  const { t, dateTime } = useI18n()
  const a = t.audit
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS)
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS)
  // cursors[i] is the cursor of page i (0: the newest); the last is shown.
  const [cursors, setCursors] = useState<number[]>([0])
  const [data, setData] = useState<AuditPage | null>(null)
  const [error, setError] = useState('')
  const cursor = cursors[cursors.length - 1]

  useEffect(() => {
    let live = true
    api.get<AuditPage>('/admin/audit', { query: { ...filters, cursor: cursor || undefined, limit: 25 } }).then(
      (d) => {
        if (!live) return
        setData(d)
        setError('')
      },
      (e) => live && setError(apiErrorMessage(e, t)),
    )
    return () => {
      live = false
    }
  }, [filters, cursor, t, refresh])

  const apply = (e: FormEvent) => {
    e.preventDefault()
    setFilters(draft)
    setCursors([0])
  }
  const reset = () => {
    setDraft(NO_FILTERS)
    setFilters(NO_FILTERS)
    setCursors([0])
  }
  const field = (name: keyof AuditFilters) => ({
    id: 'audit-' + name,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value })),
  })
  const actionLabel = (code: string) => a.actions[code] ?? code

  return (
    <section aria-labelledby="admin-audit" className="mb-5">
      <h2 id="admin-audit" className="h3 mb-3">
        {a.tab}
      </h2>
      <p>{a.lead}</p>
      <form onSubmit={apply} aria-label={a.filters} className="row g-3 align-items-end mb-3">
        <div className="col-12 col-md-3">
          <label htmlFor="audit-actor" className="form-label">
            {a.actor}
          </label>
          <select className="form-select" {...field('actor')}>
            <option value="">{a.anyActor}</option>
            {data?.actors.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </div>
        <div className="col-12 col-md-3">
          <label htmlFor="audit-action" className="form-label">
            {a.action}
          </label>
          <select className="form-select" {...field('action')}>
            <option value="">{a.anyAction}</option>
            {data?.actions.map((x) => (
              <option key={x} value={x}>
                {actionLabel(x)}
              </option>
            ))}
          </select>
        </div>
        <div className="col-6 col-md-2">
          <label htmlFor="audit-from" className="form-label">
            {a.from}
          </label>
          <input type="date" className="form-control" {...field('from')} />
        </div>
        <div className="col-6 col-md-2">
          <label htmlFor="audit-to" className="form-label">
            {a.to}
          </label>
          <input type="date" className="form-control" {...field('to')} />
        </div>
        <div className="col-12 col-md-2 d-flex gap-2">
          <button type="submit" className="btn btn-primary btn-sm">
            {a.apply}
          </button>
          <button type="button" className="btn btn-outline-secondary btn-sm" onClick={reset}>
            {a.reset}
          </button>
        </div>
      </form>
      <div className="d-flex flex-wrap gap-2 align-items-center mb-3" role="group" aria-label={a.exports}>
        <a className="btn btn-outline-primary btn-sm" href={`${API_BASE}/admin/audit/export${auditQuery(filters, { format: 'csv' })}`} download>
          {a.exportCsv}
        </a>
        <a className="btn btn-outline-primary btn-sm" href={`${API_BASE}/admin/audit/export${auditQuery(filters, { format: 'json' })}`} download>
          {a.exportJson}
        </a>
      </div>
      {error ? (
        <div className="alert alert-danger" role="alert">
          {error}
        </div>
      ) : null}
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <p aria-live="polite" data-testid="audit-total">
            {a.total(data.total)}
          </p>
          {data.items.length === 0 ? (
            <p>{a.empty}</p>
          ) : (
            // Focusable: the table scrolls sideways on narrow screens, and
            // keyboard users must be able to scroll it.
            <div className="table-responsive" tabIndex={0} role="region" aria-label={a.caption}>
              <table className="table">
                <caption className="visually-hidden">{a.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{a.at}</th>
                    <th scope="col">{a.actor}</th>
                    <th scope="col">{a.action}</th>
                    <th scope="col">{a.target}</th>
                    <th scope="col">{a.reason}</th>
                    <th scope="col">{a.change}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((e) => (
                    <tr key={e.id}>
                      <td className="text-nowrap">{dateTime(e.at)}</td>
                      <td>
                        {e.actor.name} <span className="small text-muted">({t.account.roles[e.actor.role as keyof typeof t.account.roles] ?? e.actor.role})</span>
                      </td>
                      <th scope="row">{actionLabel(e.action)}</th>
                      <td>
                        <span className="small text-muted">{a.kinds[e.target.kind] ?? e.target.kind}:</span> {e.target.label || e.target.id}
                      </td>
                      <td>{e.reason}</td>
                      <td className="small">{changeText(e)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {cursors.length > 1 || data.next_cursor ? (
            <nav className="pagination-wrapper" aria-label={a.pagination}>
              <ul className="pagination">
                <li className={'page-item' + (cursors.length <= 1 ? ' disabled' : '')}>
                  <button type="button" className="page-link" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                    {a.newer}
                  </button>
                </li>
                <li className={'page-item' + (!data.next_cursor ? ' disabled' : '')}>
                  <button type="button" className="page-link" disabled={!data.next_cursor} onClick={() => setCursors((c) => [...c, data.next_cursor])}>
                    {a.older}
                  </button>
                </li>
              </ul>
            </nav>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
