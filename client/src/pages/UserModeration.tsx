import { useCallback, useEffect, useState, type FormEvent } from 'react'
import { useParams } from 'react-router-dom'
import { ApiError, api } from '../api/client'
import type { components } from '../api/schema'
import type { User } from '../api/types'
import { useI18n } from '../i18n'
import { formatDateTime } from '../i18n/format'
import { apiErrorMessage } from '../components/forms'
import { Loading, Page } from '../components/Page'

type UserModerationData = { user: User; history: components['schemas']['AuditEntry'][] }

/** A datetime-local value (the reader's time zone) as an ISO instant, or null. */
function instant(local: string): string | null {
  const d = new Date(local)
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : null
}

/** A labelled text area with its error under it (described by it). */
function TextArea({ id, label, value, onChange, max, error, required }: { id: string; label: string; value: string; onChange: (v: string) => void; max: number; error?: string; required?: boolean }) {
  return (
    <div className="form-group">
      <label htmlFor={id} className="active">
        {label}
      </label>
      <textarea id={id} className="form-control" rows={2} maxLength={max} value={value} onChange={(e) => onChange(e.target.value)} required={required}
        aria-invalid={!!error} aria-describedby={error ? id + '-error' : undefined} />
      {error ? (
        <small id={id + '-error'} className="form-text text-danger">
          {error}
        </small>
      ) : null}
    </div>
  )
}

/**
 * A user's page for moderators: suspend until a date with a reason (the
 * user is shown both), reinstate, notes only moderators read, and the
 * user's moderation history at a glance (from the audit log).
 */
export default function UserModeration() {
  const { id = '' } = useParams()
  const { t, lang } = useI18n()
  const tc = t.curation
  const [data, setData] = useState<UserModerationData | null>(null)
  const [error, setError] = useState('')
  const [status, setStatus] = useState('')
  const [until, setUntil] = useState('')
  const [reason, setReason] = useState('')
  const [note, setNote] = useState('')
  const [fields, setFields] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const path = '/moderation/users/' + encodeURIComponent(id)

  const load = useCallback(() => api.get<UserModerationData>(path).then(setData, (e) => setError(apiErrorMessage(e, t))), [path, t])
  useEffect(() => {
    void load()
  }, [load])

  const act = (call: () => Promise<unknown>, done: string) => (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setFields({})
    setError('')
    call().then(
      () => {
        setBusy(false)
        setStatus(done)
        setReason('')
        setNote('')
        setUntil('')
        void load()
      },
      (err: unknown) => {
        setBusy(false)
        if (err instanceof ApiError) setFields(err.fields)
        setError(apiErrorMessage(err, t))
      },
    )
  }

  if (!data) return error ? <Page title={tc.userPage}><p className="alert alert-danger">{error}</p></Page> : <Loading />
  const u = data.user
  return (
    <Page title={`${tc.userPage}: ${u.name}`}>
      <div role="status" aria-live="polite">
        {status ? <p className="alert alert-success">{status}</p> : null}
      </div>
      {error ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      <p>
        {u.email} · {u.administration_name} · {u.role}
      </p>
      {u.suspended ? (
        <section aria-labelledby="um-reinstate">
          <h2 id="um-reinstate" className="h4">
            {u.suspended_until ? tc.suspendedUntil(formatDateTime(u.suspended_until, lang)) : tc.suspendedIndefinitely}
          </h2>
          {u.suspension_reason ? <p>{u.suspension_reason}</p> : null}
          <form onSubmit={act(() => api.post(path + '/reinstate', { reason: reason.trim() }), tc.reinstate)} noValidate>
            <TextArea id="um-reinstate-reason" label={tc.reason} value={reason} onChange={setReason} max={500} />
            <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
              {tc.reinstate}
            </button>
          </form>
        </section>
      ) : (
        <section aria-labelledby="um-suspend">
          <h2 id="um-suspend" className="h4">
            {tc.suspendTitle}
          </h2>
          <form onSubmit={act(() => api.put(path + '/suspension', { until: instant(until), reason: reason.trim() }), tc.suspended)} noValidate>
            <div className="form-group">
              <label htmlFor="um-until" className="active">
                {tc.until}
              </label>
              <input id="um-until" type="datetime-local" className="form-control" value={until} onChange={(e) => setUntil(e.target.value)}
                aria-invalid={!!fields.until} aria-describedby={fields.until ? 'um-until-error' : undefined} />
              {fields.until ? (
                <small id="um-until-error" className="form-text text-danger">
                  {fields.until}
                </small>
              ) : null}
            </div>
            <TextArea id="um-reason" label={tc.reason} value={reason} onChange={setReason} max={500} error={fields.reason} required />
            <button type="submit" className="btn btn-danger btn-sm" disabled={busy}>
              {tc.suspend}
            </button>
          </form>
        </section>
      )}
      <section aria-labelledby="um-notes" className="mt-4">
        <h2 id="um-notes" className="h4">
          {tc.notes}
        </h2>
        <form onSubmit={act(() => api.post(path + '/notes', { body: note.trim() }), tc.addNote)} noValidate>
          <TextArea id="um-note" label={tc.note} value={note} onChange={setNote} max={2000} error={fields.body} required />
          <button type="submit" className="btn btn-outline-primary btn-sm" disabled={busy}>
            {tc.addNote}
          </button>
        </form>
      </section>
      <section aria-labelledby="um-history" className="mt-4">
        <h2 id="um-history" className="h4">
          {tc.history}
        </h2>
        {data.history.length === 0 ? (
          <p>{tc.noHistory}</p>
        ) : (
          <ul className="list-unstyled" data-testid="user-history">
            {data.history.map((e) => (
              <li key={e.id} className="mb-2">
                <strong>{t.audit.actions[e.action] ?? e.action}</strong> · {formatDateTime(e.at, lang)} · {e.actor.name}
                {e.reason ? <> — {e.reason}</> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  )
}
