import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { api } from '../api/client'
import type { Administration, Invitation, Paged, Role, User } from '../api/types'
import { useI18n } from '../i18n'
import { useSession } from '../session/SessionContext'
import { ErrorSummary, SelectField, TextField, apiErrorMessage, check, useForm, type Errors } from '../components/forms'
import { InviteLink } from '../components/InviteLink'
import { RoleDialog } from '../components/RoleDialog'
import { Loading, Page } from '../components/Page'
import { AuditLog } from './AuditLog'
import { EnrolmentDeadline } from './EnrolmentDeadline'
import { CategoryAdmin } from '../forum/CategoryAdmin'

/** Polite announcements for actions done on this page. */
function useAnnouncer() {
  const [msg, setMsg] = useState('')
  const node = (
    <div role="status" aria-live="polite" className="mb-3">
      {msg ? <div className="alert alert-success">{msg}</div> : null}
    </div>
  )
  return { announce: setMsg, node }
}

function RejectForm({ admin, onDone, onCancel }: { admin: Administration; onDone: (a: Administration) => void; onCancel: () => void }) {
  const { t } = useI18n()
  const a = t.admin.enrolments
  const form = useForm({ reason: '' })
  const validate = (v: typeof form.values): Errors => (check.required(v.reason) ? {} : { reason: t.common.errors.required })
  return (
    <form
      noValidate
      className="mt-3"
      onSubmit={form.handleSubmit(validate, async (v) => {
        onDone(await api.post<Administration>(`/admin/administrations/${encodeURIComponent(admin.id)}/reject`, { reason: v.reason.trim() }))
      })}
    >
      <ErrorSummary form={form} labels={{ reason: a.reason }} />
      <TextField form={form} name="reason" label={a.reason} multiline maxLength={1000} required />
      <div className="d-flex gap-2">
        <button type="submit" className="btn btn-danger btn-sm" disabled={form.submitting}>
          {a.confirmReject}
        </button>
        <button type="button" className="btn btn-outline-secondary btn-sm" onClick={onCancel}>
          {t.common.cancel}
        </button>
      </div>
    </form>
  )
}

function Enrolments({ onApproved, onDecided }: { onApproved: () => void; onDecided: () => void }) {
  const { t, date } = useI18n()
  const a = t.admin.enrolments
  const [items, setItems] = useState<Administration[] | null>(null)
  const [error, setError] = useState('')
  const [rejecting, setRejecting] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const { announce, node } = useAnnouncer()

  useEffect(() => {
    api.get<Administration[]>('/admin/enrolments', { query: { status: 'pending' } }).then(setItems, (e) => setError(apiErrorMessage(e, t)))
  }, [t])

  const remove = (id: string) => setItems((xs) => (xs ? xs.filter((x) => x.id !== id) : xs))
  const approve = async (adm: Administration) => {
    setBusy(adm.id)
    setError('')
    try {
      await api.post(`/admin/administrations/${encodeURIComponent(adm.id)}/approve`)
      remove(adm.id)
      announce(a.approved(adm.name))
      onApproved()
      onDecided()
    } catch (e) {
      setError(apiErrorMessage(e, t))
    } finally {
      setBusy(null)
    }
  }

  return (
    <section aria-labelledby="admin-enrolments" className="mb-5">
      <h2 id="admin-enrolments" className="h3 mb-3">
        {t.admin.tabs.enrolments}
      </h2>
      {node}
      {error ? (
        <div className="alert alert-danger" role="alert">
          {error}
        </div>
      ) : null}
      {items === null && !error ? <Loading /> : null}
      {items && items.length === 0 ? <p>{a.empty}</p> : null}
      {items && items.length > 0 ? (
        <ul className="list-unstyled">
          {items.map((adm) => (
            <li key={adm.id} className="card-wrapper mb-3">
              <div className="card shadow-sm p-3">
                <h3 className="h5 mb-1">
                  {adm.name} <span className="text-monospace small">({adm.codice_ipa})</span>
                </h3>
                <p className="mb-1">
                  {t.lists.categories[adm.category] ?? adm.category} · {t.lists.regions[adm.region] ?? adm.region} · {date(adm.created_at)}
                </p>
                <p className="mb-2">
                  {a.referente}: {adm.referente_name} &lt;{adm.referente_email}&gt;
                </p>
                <div className="d-flex gap-2">
                  <button type="button" className="btn btn-success btn-sm" disabled={busy === adm.id} onClick={() => void approve(adm)} aria-label={a.approveOf(adm.name)}>
                    {a.approve}
                  </button>
                  <button
                    type="button"
                    className="btn btn-outline-danger btn-sm"
                    aria-expanded={rejecting === adm.id}
                    onClick={() => setRejecting(rejecting === adm.id ? null : adm.id)}
                    aria-label={a.rejectOf(adm.name)}
                  >
                    {a.reject}
                  </button>
                </div>
                {rejecting === adm.id ? (
                  <RejectForm
                    admin={adm}
                    onCancel={() => setRejecting(null)}
                    onDone={() => {
                      setRejecting(null)
                      remove(adm.id)
                      announce(a.rejected(adm.name))
                      onDecided()
                    }}
                  />
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  )
}

const ROLES: Role[] = ['participant', 'moderator', 'admin']

function Users() {
  const { t } = useI18n()
  const u = t.admin.users
  const { user: me } = useSession()
  const [q, setQ] = useState('')
  const [query, setQuery] = useState('')
  const [page, setPage] = useState(1)
  const [data, setData] = useState<Paged<User> | null>(null)
  const [error, setError] = useState('')
  const [change, setChange] = useState<{ target: User; role: Role } | null>(null)
  const { announce, node } = useAnnouncer()

  const load = useCallback(() => {
    api.get<Paged<User>>('/admin/users', { query: { q: query, page } }).then(
      (d) => {
        setData(d)
        setError('')
      },
      (e) => setError(apiErrorMessage(e, t)),
    )
  }, [query, page, t])
  useEffect(load, [load])

  const search = (e: FormEvent) => {
    e.preventDefault()
    setPage(1)
    setQuery(q.trim())
  }
  const setRole = async (target: User, role: Role) => {
    setChange(null)
    setError('')
    try {
      const updated = await api.patch<User>(`/admin/users/${encodeURIComponent(target.id)}`, { role })
      setData((d) => (d ? { ...d, items: d.items.map((x) => (x.id === updated.id ? updated : x)) } : d))
      announce(u.roleChanged(updated.name))
    } catch (e) {
      setError(apiErrorMessage(e, t))
      load()
    }
  }
  const pages = data ? Math.max(1, Math.ceil(data.total / (data.per_page || 20))) : 1

  return (
    <section aria-labelledby="admin-users" className="mb-5">
      <h2 id="admin-users" className="h3 mb-3">
        {t.admin.tabs.users}
      </h2>
      <form role="search" onSubmit={search} className="d-flex gap-2 align-items-end mb-3">
        <div className="form-group mb-0 flex-grow-1">
          <label htmlFor="user-search" className="active">
            {u.search}
          </label>
          <input id="user-search" type="search" className="form-control" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary">
          {u.searchSubmit}
        </button>
      </form>
      {node}
      {error ? (
        <div className="alert alert-danger" role="alert">
          {error}
        </div>
      ) : null}
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          <p aria-live="polite">{u.total(data.total)}</p>
          {data.items.length === 0 ? (
            <p>{u.empty}</p>
          ) : (
            <div className="table-responsive">
              <table className="table">
                <caption className="visually-hidden">{u.caption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{u.name}</th>
                    <th scope="col">{u.email}</th>
                    <th scope="col">{u.administration}</th>
                    <th scope="col">{u.role}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((x) => (
                    <tr key={x.id}>
                      <th scope="row">{x.name}</th>
                      <td>{x.email}</td>
                      <td>{x.administration_name || '—'}</td>
                      <td>
                        <label htmlFor={'role-' + x.id} className="visually-hidden">
                          {u.roleOf(x.name)}
                        </label>
                        <select
                          id={'role-' + x.id}
                          className="form-select form-select-sm"
                          value={x.role}
                          disabled={x.id === me?.id}
                          onChange={(e) => setChange({ target: x, role: e.target.value as Role })}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {t.account.roles[r]}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pages > 1 ? (
            <nav className="pagination-wrapper" aria-label={u.page(page, pages)}>
              <ul className="pagination">
                <li className={'page-item' + (page <= 1 ? ' disabled' : '')}>
                  <button type="button" className="page-link" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                    {u.previous}
                  </button>
                </li>
                <li className="page-item">
                  <span className="page-link" aria-current="page">
                    {u.page(page, pages)}
                  </span>
                </li>
                <li className={'page-item' + (page >= pages ? ' disabled' : '')}>
                  <button type="button" className="page-link" disabled={page >= pages} onClick={() => setPage(page + 1)}>
                    {u.next}
                  </button>
                </li>
              </ul>
            </nav>
          ) : null}
        </>
      ) : null}
      <RoleDialog change={change} onCancel={() => setChange(null)} onConfirm={(target, role) => void setRole(target, role)} />
    </section>
  )
}

/** refresh changes when the list of approved administrations may have (an approval on this page). */
function Invite({ refresh }: { refresh: number }) {
  const { t } = useI18n()
  const i = t.admin.invite
  const [admins, setAdmins] = useState<Administration[]>([])
  const [invitation, setInvitation] = useState<Invitation | null>(null)
  const form = useForm({ administration_id: '', email: '' })
  useEffect(() => {
    api.get<Administration[]>('/administrations').then(
      (xs) => setAdmins([...xs].sort((a, b) => a.name.localeCompare(b.name, 'it'))),
      () => setAdmins([]),
    )
  }, [refresh])
  const validate = (v: typeof form.values): Errors => {
    const e: Errors = {}
    if (!v.administration_id) e.administration_id = t.common.errors.required
    if (v.email.trim() && !check.email(v.email)) e.email = t.common.errors.email
    return e
  }
  return (
    <section aria-labelledby="admin-invite" className="mb-5">
      <h2 id="admin-invite" className="h3 mb-3">
        {t.admin.tabs.invite}
      </h2>
      <p>{i.lead}</p>
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          setInvitation(null)
          const body: Record<string, string> = { administration_id: v.administration_id }
          if (v.email.trim()) body.email = v.email.trim()
          setInvitation(await api.post<Invitation>('/invitations', body))
        })}
      >
        <ErrorSummary form={form} labels={{ administration_id: i.administration, email: i.email }} />
        <SelectField
          form={form}
          name="administration_id"
          label={i.administration}
          placeholder={t.account.fields.choose}
          options={admins.map((a) => ({ value: a.id, label: `${a.name} (${a.codice_ipa})` }))}
          required
        />
        <TextField form={form} name="email" type="email" label={`${i.email} (${t.common.optional})`} autoComplete="off" />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {i.submit}
        </button>
      </form>
      {invitation ? <InviteLink invitation={invitation} /> : null}
    </section>
  )
}

export default function Admin() {
  const { t } = useI18n()
  const [approvals, setApprovals] = useState(0)
  const [decisions, setDecisions] = useState(0)
  return (
    <Page title={t.admin.title}>
      <nav aria-label={t.admin.title} className="mb-4">
        <ul className="nav nav-tabs">
          <li className="nav-item">
            <a className="nav-link" href="#admin-enrolments">
              {t.admin.tabs.enrolments}
            </a>
          </li>
          <li className="nav-item">
            <a className="nav-link" href="#admin-users">
              {t.admin.tabs.users}
            </a>
          </li>
          <li className="nav-item">
            <a className="nav-link" href="#admin-invite">
              {t.admin.tabs.invite}
            </a>
          </li>
          <li className="nav-item">
            <a className="nav-link" href="#admin-enrolment">
              {t.curation.enrolment.tab}
            </a>
          </li>
          <li className="nav-item">
            <a className="nav-link" href="#admin-categories">
              {t.forum.admin.title}
            </a>
          </li>
          <li className="nav-item">
            <a className="nav-link" href="#admin-audit">
              {t.audit.tab}
            </a>
          </li>
        </ul>
      </nav>
      <Enrolments onApproved={() => setApprovals((n) => n + 1)} onDecided={() => setDecisions((n) => n + 1)} />
      <Users />
      <Invite refresh={approvals} />
      <EnrolmentDeadline />
      <CategoryAdmin />
      <AuditLog refresh={decisions} />
    </Page>
  )
}
