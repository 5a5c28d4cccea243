import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../api/client'
import { useI18n } from '../i18n'
import { formatDateTime } from '../i18n/format'
import { useSession } from '../session/SessionContext'
import { apiErrorMessage } from '../components/forms'

/** The enrolment deadline, a stored setting an admin changes here (the configuration's value until then). */
export function EnrolmentDeadline() {
  const { t, lang } = useI18n()
  const te = t.curation.enrolment
  const { enrolment, refresh } = useSession()
  const [when, setWhen] = useState('')
  const [busy, setBusy] = useState(false)
  const [msg, setMsg] = useState('')
  const [error, setError] = useState('')

  const save = (deadline: string | null) => (e?: FormEvent) => {
    e?.preventDefault()
    setBusy(true)
    setError('')
    api.put('/admin/settings/enrolment', { deadline }).then(
      async () => {
        await refresh()
        setBusy(false)
        setWhen('')
        setMsg(te.saved)
      },
      (err: unknown) => {
        setBusy(false)
        setError(apiErrorMessage(err, t))
      },
    )
  }
  const d = enrolment.deadline
  const iso = when && !Number.isNaN(new Date(when).getTime()) ? new Date(when).toISOString() : null
  return (
    <section id="admin-enrolment" className="mb-5" aria-labelledby="admin-enrolment-title">
      <h2 id="admin-enrolment-title" className="h3">
        {te.title}
      </h2>
      <p>{d ? (enrolment.open ? te.current(formatDateTime(d, lang)) : te.closed(formatDateTime(d, lang))) : te.none}</p>
      <div role="status" aria-live="polite">
        {msg ? <p className="alert alert-success">{msg}</p> : null}
      </div>
      {error ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      <form onSubmit={save(iso)} noValidate className="d-flex flex-wrap gap-2 align-items-end">
        <div className="form-group mb-0">
          <label htmlFor="admin-enrolment-deadline" className="active">
            {te.deadline}
          </label>
          <input id="admin-enrolment-deadline" type="datetime-local" className="form-control" value={when} onChange={(e) => setWhen(e.target.value)} required />
        </div>
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy || !iso}>
          {te.save}
        </button>
        {d ? (
          <button type="button" className="btn btn-outline-primary btn-sm" disabled={busy} onClick={() => save(null)()}>
            {te.clear}
          </button>
        ) : null}
      </form>
      <p className="mt-3">
        <Link to="/forum">{t.curation.categoriesLink}</Link>
      </p>
    </section>
  )
}
