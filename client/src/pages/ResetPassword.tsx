import { useState } from 'react'
import { Link, useParams } from 'react-router-dom'
import { ApiError, api } from '../api/client'
import { useT } from '../i18n'
import { ErrorSummary, TextField, check, useForm, type Errors } from '../components/forms'
import { Page } from '../components/Page'

export default function ResetPassword() {
  const t = useT()
  const r = t.account.reset
  const f = t.account.fields
  const { token = '' } = useParams()
  const [done, setDone] = useState(false)
  const [dead, setDead] = useState('')
  const form = useForm({ password: '', password_confirm: '' })
  const validate = (v: typeof form.values): Errors => {
    const e: Errors = {}
    if (!check.password(v.password)) e.password = t.common.errors.passwordLength
    if (v.password_confirm !== v.password) e.password_confirm = t.common.errors.passwordMismatch
    return e
  }
  if (done) {
    return (
      <Page title={r.title} narrow>
        <div className="alert alert-success" role="status">
          {r.done}
        </div>
        <Link to="/login" className="btn btn-primary">
          {t.common.login}
        </Link>
      </Page>
    )
  }
  if (dead) {
    return (
      <Page title={r.title} narrow>
        <div className="alert alert-danger" role="alert">
          {dead}
        </div>
        <Link to="/password-dimenticata">{r.again}</Link>
      </Page>
    )
  }
  return (
    <Page title={r.title} narrow>
      <form
        noValidate
        onSubmit={form.handleSubmit(validate, async (v) => {
          try {
            await api.post('/password-resets/' + encodeURIComponent(token), { password: v.password })
            setDone(true)
          } catch (e) {
            if (e instanceof ApiError && e.code === 'token_expired') setDead(r.expired)
            else if (e instanceof ApiError && e.code === 'token_used') setDead(r.used)
            else if (e instanceof ApiError && e.code === 'token_invalid') setDead(r.invalid)
            else throw e
          }
        })}
      >
        <ErrorSummary form={form} labels={{ password: f.newPassword, password_confirm: f.passwordConfirm }} />
        <TextField form={form} name="password" type="password" label={f.newPassword} hint={f.passwordHint} autoComplete="new-password" maxLength={128} required />
        <TextField form={form} name="password_confirm" type="password" label={f.passwordConfirm} autoComplete="new-password" maxLength={128} required />
        <button type="submit" className="btn btn-primary" disabled={form.submitting}>
          {r.submit}
        </button>
      </form>
    </Page>
  )
}
